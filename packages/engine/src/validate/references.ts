import type { Flow, FlowNode } from '../schema/flow.ts'
import { checkTemplate, PATH_ROOTS, splitPath } from '../template/template.ts'
import { checkCondition, conditionPaths, regexError } from '../condition/condition.ts'
import { checkHours } from '../hours/hours.ts'
import type { PathProblem } from './graph.ts'

type Path = (string | number)[]

/**
 * Every template string in a node, with its path inside the node: prompts and their parts,
 * `set` values, http url/headers/body, dial numbers, queue names and redirect urls.
 *
 * @example templateFields({ type: 'say', prompt: 'Hi {{ vars.name }}', repeat: 1, next: 'x' })
 * // [{ path: ['prompt'], source: 'Hi {{ vars.name }}' }]
 */
export function templateFields(node: FlowNode): Array<{ path: Path; source: string }> {
  const fields: Field[] = []
  const promptKeys = ['say', 'digits', 'play'] as const
  for (const key of ['prompt', 'reprompt', 'noInput', 'noMatch'] as const) {
    if (key in node) collectText(fields, (node as Record<string, unknown>)[key], [key], promptKeys)
  }
  switch (node.type) {
    case 'set':
      collectText(fields, node.vars, ['vars'], 'all')
      break
    case 'http':
      collectText(fields, node.url, ['url'], 'all')
      collectText(fields, node.headers, ['headers'], 'all')
      collectText(fields, node.body, ['body'], 'all')
      break
    case 'dial':
      collectText(fields, node.number, ['number'], 'all')
      collectText(fields, node.callerId, ['callerId'], 'all')
      break
    case 'enqueue':
      collectText(fields, node.queue, ['queue'], 'all')
      break
    case 'redirect':
      collectText(fields, node.url, ['url'], 'all')
      break
  }
  return fields
}

type Field = { path: Path; source: string }
type TextKeys = readonly string[] | 'all'

/**
 * Adds the strings in `value` (under `textKeys` of its mappings) to `fields`. A function of the
 * module, not a closure per node: tsx names each closure as it is made, which showed in
 * profiles of flows of thousands of nodes.
 */
function collectText(fields: Field[], value: unknown, path: Path, textKeys: TextKeys): void {
  if (typeof value === 'string') fields.push({ path, source: value })
  else if (Array.isArray(value)) value.forEach((item, i) => collectText(fields, item, [...path, i], textKeys))
  else if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) if (textKeys === 'all' || textKeys.includes(key)) collectText(fields, inner, [...path, key], textKeys)
  }
}

/** Names of the variables that something in the flow sets (`vars`, `set`, `saveAs`). */
export function variablesSet(flow: Flow): Set<string> {
  const names = new Set(Object.keys(flow.vars ?? {}))
  for (const node of Object.values(flow.nodes)) {
    if (node.type === 'set') for (const name of Object.keys(node.vars)) names.add(name)
    if ('saveAs' in node && node.saveAs !== undefined) names.add(node.saveAs)
  }
  return names
}

/**
 * Checks what templates, conditions, patterns and opening hours refer to: templates parse,
 * paths start at a known root, `vars.` paths name something the flow sets, regular
 * expressions compile, and hours name real time zones and readable windows.
 */
export function referenceProblems(flow: Flow): PathProblem[] {
  const problems: PathProblem[] = []
  const known = variablesSet(flow)
  // `what` names the field in a message, so it is only worked out for a problem.
  const checkPath = (segments: readonly string[], path: Path, what: () => string) => {
    const [root, name] = segments
    if (root === undefined) return
    if (!(PATH_ROOTS as readonly string[]).includes(root)) {
      problems.push({ code: 'UNKNOWN_ROOT', message: `${what()} reads "${segments.join('.')}", but paths start with ${PATH_ROOTS.map((r) => `${r}.`).join(', ')}`, path, severity: 'error' })
    } else if (root === 'vars' && name !== undefined && !known.has(name)) {
      problems.push({ code: 'UNSET_VARIABLE', message: `${what()} reads "vars.${name}", which no node sets (set, saveAs or the flow's vars)`, path, severity: 'warning' })
    }
  }
  for (const [id, node] of Object.entries(flow.nodes)) {
    const at = nodePath.bind(undefined, id)
    for (const field of templateFields(node)) {
      const result = checkTemplate(field.source)
      if (!result.ok) {
        // The offset lets the problem point at the filter or tag that fails, not the string's start.
        problems.push({ code: 'BAD_TEMPLATE', message: `${templateIn(field.path)} does not parse: ${result.message}`, path: at(field.path), ...(result.index !== undefined ? { offset: result.index } : {}), severity: 'error' })
        continue
      }
      for (const segments of result.paths) checkPath(segments, at(field.path), () => templateIn(field.path))
    }
    if (node.type === 'branch') {
      node.cases.forEach((c, i) => {
        for (const p of checkCondition(c.when)) problems.push({ code: p.code, message: p.message, path: at(['cases', i, 'when', ...p.at]), severity: 'error' })
        for (const { path, at: where } of conditionPaths(c.when)) checkPath((splitPath(path) ?? [path]).map(String), at(['cases', i, 'when', ...where]), () => `the condition in ${fieldName(['cases', i, 'when'])}`)
      })
    }
    if (node.type === 'input') {
      if (node.pattern !== undefined) {
        const error = regexError(node.pattern)
        if (error !== undefined) problems.push({ code: 'BAD_REGEX', message: `pattern does not compile: ${error}`, path: at(['pattern']), severity: 'error' })
      }
      if (node.minDigits > node.maxDigits) {
        problems.push({ code: 'BAD_DIGIT_RANGE', message: `minDigits (${node.minDigits}) is greater than maxDigits (${node.maxDigits})`, path: at(['minDigits']), severity: 'error' })
      }
    }
    if (node.type === 'hours') {
      for (const p of checkHours(node)) problems.push({ code: p.code, message: p.message, path: at(p.at), ...(p.prefer ? { prefer: p.prefer } : {}), severity: 'error' })
    }
  }
  return problems
}

function templateIn(path: Path): string {
  return `the template in ${fieldName(path)}`
}

/** The document path of `path` inside node `id`. */
function nodePath(id: string, path: Path): Path {
  return ['nodes', id, ...path]
}

/** A field inside a node as people write it: `prompt`, `prompt[1].digits`, `headers.x-token`. */
function fieldName(path: Path): string {
  return `"${path.map((segment, i) => (typeof segment === 'number' ? `[${segment}]` : `${i > 0 ? '.' : ''}${segment}`)).join('')}"`
}
