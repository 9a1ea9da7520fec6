import type { Flow, FlowNode, NodeOf, Prompt } from '../schema/flow.ts'
import { readPath, renderTemplate } from '../template/template.ts'
import type { Scope } from '../template/template.ts'
import type { CallContext } from './context.ts'
import { scopeOf } from './context.ts'
import type { HttpEffect } from './events.ts'
import { pickEventPrompt, renderPrompt, voiceOf } from './prompts.ts'
import type { GatherInstruction, Instruction, Speech } from './view.ts'

/**
 * The node with this id. Own keys only: "toString" or "constructor" names no node, whatever
 * Object.prototype has. Throws for an id the flow does not have (the step then recovers).
 */
function nodeOf(flow: Flow, id: string): FlowNode {
  if (!Object.hasOwn(flow.nodes, id)) throw new Error(`flow "${flow.flow}" has no node "${id}"`)
  return flow.nodes[id]!
}

/**
 * What entering a node makes the caller hear and the call do. Pass-through nodes contribute
 * speech; resting nodes end with the instruction they wait on; final nodes end the call.
 *
 * @example entryFragment(flow, 'welcome', context) // [{ kind: 'say', text: 'Thanks for calling Acme.' }]
 */
export function entryFragment(flow: Flow, id: string, context: CallContext): Instruction[] {
  const node = nodeOf(flow, id)
  const scope = scopeOf(flow, context)
  const prompt = (p: Prompt | undefined): Speech[] => (p === undefined ? [] : renderPrompt(p, voiceOf(flow, node), scope))
  switch (node.type) {
    case 'say':
      return Array.from({ length: node.repeat }, () => prompt(node.prompt)).flat()
    case 'menu':
    case 'input':
      return [gather(flow, node, prompt(node.prompt))]
    case 'dial': {
      const numbers = (Array.isArray(node.number) ? node.number : [node.number]).map((n) => renderTemplate(n, scope).trim()).filter((n) => n !== '')
      // A number from data that turned out empty must not become <Dial/> with nobody to ring:
      // failing here sends the call through the flow's onError instead.
      if (numbers.length === 0) throw new Error(`dial node "${id}" has no number to dial: ${JSON.stringify(node.number)} rendered empty`)
      return [...prompt(node.prompt), {
        kind: 'dial',
        numbers,
        ...(node.callerId !== undefined ? { callerId: renderTemplate(node.callerId, scope).trim() } : {}),
        timeout: node.timeout,
        ...(node.timeLimit !== undefined ? { timeLimit: node.timeLimit } : {}),
        record: node.record,
      }]
    }
    case 'record':
      return [...prompt(node.prompt), { kind: 'record', maxLength: node.maxLength, timeout: node.timeout, finishOnKey: node.finishOnKey, playBeep: node.playBeep, transcribe: node.transcribe }]
    case 'enqueue':
      return [...prompt(node.prompt), { kind: 'enqueue', queue: renderTemplate(node.queue, scope).trim(), ...(node.waitUrl !== undefined ? { waitUrl: node.waitUrl } : {}) }]
    case 'hangup':
      return [...prompt(node.prompt), { kind: 'hangup' }]
    case 'redirect':
      return [...prompt(node.prompt), { kind: 'redirect', url: renderTemplate(node.url, scope).trim(), method: node.method }]
    default:
      return []
  }
}

/**
 * The gather that follows a no-input or no-match on a menu or input: the event prompt for the
 * count, then the reprompt (or the first prompt when there is none), per menu-semantics.md.
 *
 * @example retryFragment(flow, 'main-menu', 'noMatch', context) // [gather(['Sorry, …', 'Press 1 for sales …'])]
 */
export function retryFragment(flow: Flow, id: string, event: 'noInput' | 'noMatch', context: CallContext): Instruction[] {
  const node = nodeOf(flow, id) as NodeOf<'menu'> | NodeOf<'input'>
  const scope = scopeOf(flow, context)
  const voice = voiceOf(flow, node)
  const count = event === 'noInput' ? context.noInput : context.noMatch
  const eventPrompt = pickEventPrompt(event === 'noInput' ? node.noInput : node.noMatch, count)
  const speech = [
    ...(eventPrompt === undefined ? [] : renderPrompt(eventPrompt, voice, scope)),
    ...renderPrompt(node.reprompt ?? node.prompt, voice, scope),
  ]
  return [gather(flow, node, speech)]
}

function gather(flow: Flow, node: NodeOf<'menu'> | NodeOf<'input'>, prompts: Speech[]): GatherInstruction {
  const language = node.language ?? flow.language
  if (node.type === 'input') {
    return { kind: 'gather', input: ['dtmf'], timeout: node.timeout, numDigits: node.maxDigits, finishOnKey: node.finishOnKey, prompts }
  }
  const keys = Object.keys(node.choices)
  const input = node.input.split(' ') as ('dtmf' | 'speech')[]
  const speech = input.includes('speech')
  const words = Object.values(node.choices).flatMap((c) => (typeof c === 'string' ? [] : c.words ?? []))
  const hints = node.hints ?? (words.length > 0 ? words.join(', ') : undefined)
  return {
    kind: 'gather',
    input,
    timeout: node.timeout,
    ...(input.includes('dtmf') ? { numDigits: Math.max(1, ...keys.map((k) => k.length)), finishOnKey: keys.some((k) => k.includes('#')) ? '' : '#' } : {}),
    ...(speech ? { speechTimeout: node.speechTimeout ?? 'auto' } : {}),
    ...(speech && hints !== undefined ? { hints } : {}),
    ...(speech && language !== undefined ? { language } : {}),
    prompts,
  }
}

/**
 * The request an http node asks the server to make, templates filled in. A mapping body is
 * sent as JSON; a string that is exactly one `{{ path }}` keeps the value's own type there.
 *
 * @example httpEffect(flow, 'lookup', context, 3).url // 'https://crm.example.com/accounts/123456'
 */
export function httpEffect(flow: Flow, id: string, context: CallContext, seq: number): HttpEffect {
  const node = nodeOf(flow, id) as NodeOf<'http'>
  const scope = scopeOf(flow, context)
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(node.headers ?? {})) headers[name] = renderTemplate(value, scope)
  let body: string | undefined
  if (typeof node.body === 'string') body = renderTemplate(node.body, scope)
  else if (node.body !== undefined) {
    body = JSON.stringify(renderValue(node.body, scope))
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json'
  }
  return {
    type: 'http',
    node: id,
    key: `${seq}:${id}`,
    method: node.method,
    url: renderTemplate(node.url, scope).trim(),
    headers,
    ...(body !== undefined ? { body } : {}),
    timeoutMs: node.timeout * 1000,
  }
}

const WHOLE_PATH = /^\{\{\s*((?:call|vars|input|flow)(?:\.[A-Za-z0-9_-]+|\[\d+\])*)\s*\}\}$/

/**
 * Fills templates inside a value: strings are rendered, except that a string which is exactly
 * `{{ path }}` becomes the value at that path (so numbers, lists and mappings keep their type).
 *
 * @example renderValue({ tier: '{{ vars.customer.tier }}', n: 1 }, scope) // { tier: 'gold', n: 1 }
 */
export function renderValue(value: unknown, scope: Scope): unknown {
  if (typeof value === 'string') {
    const whole = WHOLE_PATH.exec(value)
    return whole ? readPath(scope, whole[1]!) ?? '' : renderTemplate(value, scope)
  }
  if (Array.isArray(value)) return value.map((v) => renderValue(v, scope))
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderValue(v, scope)]))
  }
  return value
}
