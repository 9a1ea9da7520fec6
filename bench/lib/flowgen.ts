/**
 * Generated flows of an exact size, for the step and compile benchmarks. A flow is a chain of
 * blocks, each a menu with its follow-up nodes, so every node is reachable, every loop waits for
 * the caller, and a step from one menu to the next does the same work whatever the flow's size.
 *
 * Block i (5 nodes):
 *   m<i> menu: "1" → m<i+1>, "2" → s<i>, "3" → b<i>, "*" → m<i>; failures → bye
 *   s<i> say → m<i+1>
 *   b<i> branch: input.digits == "3" → v<i>, else → m<i+1>
 *   v<i> set vars.last → c<i>
 *   c<i> say "{{ vars.last }}" → m<i+1>
 * Padding says (p<j>) before m0 make up the remainder; `bye` (hangup) ends the chain.
 */

/** Nodes per block; sizes are exact: padding says fill up to N. */
const BLOCK = 5

export interface GeneratedFlow {
  id: string
  yaml: string
  nodes: number
  /** Menu ids, in chain order: where the step benchmark rests a call. */
  menus: string[]
}

/**
 * YAML text of a valid flow with exactly `nodes` nodes (at least 7).
 *
 * @example generateFlow(1000).yaml // 'flow: gen-1000\nstart: m0\n…'
 */
export function generateFlow(nodes: number, id = `gen-${nodes}`, salt = ''): GeneratedFlow {
  if (!Number.isInteger(nodes) || nodes < BLOCK + 2) throw new Error(`a generated flow needs at least ${BLOCK + 2} nodes, not ${nodes}`)
  const blocks = Math.floor((nodes - 1) / BLOCK)
  const padding = nodes - 1 - blocks * BLOCK
  const lines: string[] = [`flow: ${id}`, `title: Generated flow of ${nodes} nodes${salt}`, `start: ${padding > 0 ? 'p0' : 'm0'}`, 'vars: { last: "" }', 'nodes:']
  for (let j = 0; j < padding; j++) {
    lines.push(`  p${j}:`, '    type: say', `    prompt: Welcome, part ${j + 1}.`, `    next: ${j + 1 < padding ? `p${j + 1}` : 'm0'}`)
  }
  const menus: string[] = []
  for (let i = 0; i < blocks; i++) {
    const next = i + 1 < blocks ? `m${i + 1}` : 'bye'
    menus.push(`m${i}`)
    lines.push(
      `  m${i}:`,
      '    type: menu',
      `    prompt: Menu ${i}. For the next menu, press 1. For a message, press 2. For a check, press 3. To hear this again, press star.`,
      `    reprompt: Press 1, 2 or 3.`,
      '    choices:',
      `      "1": ${next}`,
      `      "2": s${i}`,
      `      "3": b${i}`,
      `      "*": m${i}`,
      `    noInput: ["I didn't hear anything.", "Please press a key now."]`,
      '    noMatch: Sorry, that is not an option.',
      '    onFailure: bye',
      `  s${i}:`,
      '    type: say',
      `    prompt: This is message ${i}.`,
      `    next: ${next}`,
      `  b${i}:`,
      '    type: branch',
      '    cases:',
      `      - when: { var: input.digits, equals: "3" }`,
      `        goto: v${i}`,
      `    else: ${next}`,
      `  v${i}:`,
      '    type: set',
      '    vars: { last: "{{ input.digits }}" }',
      `    next: c${i}`,
      `  c${i}:`,
      '    type: say',
      `    prompt: "You pressed {{ vars.last }} at menu ${i}."`,
      `    next: ${next}`,
    )
  }
  lines.push('  bye:', '    type: hangup', '    prompt: Goodbye.')
  return { id, yaml: `${lines.join('\n')}\n`, nodes, menus }
}
