import { COMPARISONS } from '@phonetree/engine'
import { isRecord, orderedEntries } from '../app/draft.ts'
import type { DraftNode } from '../app/draft.ts'

/** One output handle of a node: its id is the engine's edge handle name. */
export interface HandleSpec {
  /** `next`, `choice:1`, `choice:+`, `case:0`, `else`, `open`, `closed`, `onNoInput`, … */
  id: string
  /** What the handle shows: a menu key, a condition, "answered", … */
  label: string
  /** Extra text after the label (a choice's words). */
  detail?: string
  /** How it is drawn: the normal way on, a failure route, or the "add a choice" handle. */
  tone: 'main' | 'failure' | 'add'
}

const NEXT_LABEL: Partial<Record<DraftNode['kind'], string>> = {
  say: 'next', input: 'next', set: 'next', http: 'ok', dial: 'answered', record: 'next', enqueue: 'after queue',
}

const OPERATOR_TEXT: Record<(typeof COMPARISONS)[number], string> = {
  equals: '=', notEquals: '≠', in: 'in', startsWith: 'starts with', matches: 'matches', greaterThan: '>', lessThan: '<', exists: 'exists',
}

/**
 * A branch condition as short text.
 *
 * @example conditionText({ var: 'vars.tier', equals: 'gold' }) // 'vars.tier = gold'
 */
export function conditionText(when: unknown): string {
  if (!isRecord(when)) return '?'
  if (Array.isArray(when.all)) return `all of ${when.all.length}: ${when.all.map(conditionText).join(' and ')}`
  if (Array.isArray(when.any)) return `any of ${when.any.length}: ${when.any.map(conditionText).join(' or ')}`
  if (when.not !== undefined) return `not (${conditionText(when.not)})`
  const op = COMPARISONS.find((k) => when[k] !== undefined)
  const subject = typeof when.var === 'string' ? when.var : '?'
  if (op === undefined) return subject
  const value = when[op]
  if (op === 'exists') return value === false ? `${subject} is missing` : `${subject} exists`
  const shown = Array.isArray(value) ? `[${value.map(String).join(', ')}]` : typeof value === 'string' ? value : JSON.stringify(value)
  return `${subject} ${OPERATOR_TEXT[op]} ${shown}`
}

/**
 * The output handles of a node, in the order they are drawn (the order the YAML lists them,
 * failure routes last). Menus also get `choice:+`, for adding a choice by drawing an edge.
 *
 * @example outputHandles({ kind: 'hours', data: {…} }).map((h) => h.id) // ['open', 'closed']
 */
export function outputHandles(node: DraftNode): HandleSpec[] {
  const { kind, data } = node
  const handles: HandleSpec[] = []
  switch (kind) {
    case 'menu': {
      for (const [key, choice] of orderedEntries(node, 'choices')) {
        const words = isRecord(choice) && Array.isArray(choice.words) ? choice.words.map(String).join(', ') : ''
        handles.push({ id: `choice:${key}`, label: key, tone: 'main', ...(words !== '' ? { detail: words } : {}) })
      }
      handles.push({ id: 'choice:+', label: '+', tone: 'add' })
      break
    }
    case 'branch': {
      const cases: unknown[] = Array.isArray(data.cases) ? data.cases : []
      cases.forEach((c, i) => handles.push({ id: `case:${i}`, label: conditionText(isRecord(c) ? c.when : undefined), tone: 'main' }))
      handles.push({ id: 'else', label: 'else', tone: 'main' })
      break
    }
    case 'hours':
      handles.push({ id: 'open', label: 'open', tone: 'main' }, { id: 'closed', label: 'closed', tone: 'main' })
      break
    case 'hangup':
    case 'redirect':
    case 'unknown':
      break
    default:
      handles.push({ id: 'next', label: NEXT_LABEL[kind] ?? 'next', tone: 'main' })
  }
  if (kind === 'menu' || kind === 'input') {
    handles.push({ id: 'onNoInput', label: 'no input', tone: 'failure' }, { id: 'onNoMatch', label: 'no match', tone: 'failure' }, { id: 'onFailure', label: 'failure', tone: 'failure' })
  }
  if (kind === 'http') handles.push({ id: 'onError', label: 'error', tone: 'failure' })
  if (kind === 'dial') handles.push({ id: 'onNoAnswer', label: 'no answer', tone: 'failure' })
  return handles
}

/**
 * The label an edge leaving `handle` carries on the canvas (none for plain `next`); `handles`
 * are the node's `outputHandles`, when the caller has them already.
 *
 * @example edgeLabel(menu, 'choice:1') // 'press 1'
 */
export function edgeLabel(node: DraftNode, handle: string, handles: readonly HandleSpec[] = outputHandles(node)): string | undefined {
  if (handle === 'next' && (node.kind === 'say' || node.kind === 'set' || node.kind === 'record' || node.kind === 'input')) return undefined
  const spec = handles.find((h) => h.id === handle)
  if (spec === undefined) return handle
  if (handle.startsWith('choice:')) return `press ${spec.label}`
  if (handle.startsWith('case:')) return spec.label.length > 28 ? `${spec.label.slice(0, 27)}…` : spec.label
  return spec.label
}
