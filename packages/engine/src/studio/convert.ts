import { edgesOf } from '../schema/edges.ts'
import type { FlowInput, FlowNode } from '../schema/flow.ts'
import { Conversion } from './context.ts'
import type { NodeInput, Position, StudioWarning } from './context.ts'
import type { StudioSource, StudioWidget } from './definition.ts'
import { nextOf, transitionFor } from './definition.ts'
import { breakInputFreeLoops } from './cycles.ts'
import { convertGather, planGather } from './gather.ts'
import type { GatherPlan } from './gather.ts'
import { flowIdFrom, varNameFrom } from './names.ts'
import { convertDial, convertEnqueue, convertHttp, convertRecord, convertRedirect, convertSay, convertSet, convertSplit, placeholder, planDial, unsupportedReason } from './widgets.ts'

/** Canvas positions beside the flow: `flows/<id>.layout.json`. */
export interface Layout {
  nodes: Record<string, Position>
}

export interface StudioConversion {
  /** The flow id, which is also the file name: `<id>.yaml`, `<id>.layout.json`. */
  id: string
  /** The Studio flow's name, when it has one. */
  name?: string
  flow: FlowInput
  layout: Layout
  /** Widgets not converted, and conversions a reviewer should look at; in widget order. */
  warnings: StudioWarning[]
}

export interface ConvertOptions {
  /** The flow id; by default from the Studio flow's name, else `fileName`, else `studio-flow`. */
  id?: string
  /** The file the flow came from, for its id when the flow has no name. */
  fileName?: string
}

const OUTGOING_CALL = new Set(['make-outgoing-call-v2', 'make-outgoing-call-v1'])

/**
 * Converts a Twilio Studio flow definition into a Phonetree flow and its layout sidecar. Never
 * drops a widget silently: what cannot be converted becomes a placeholder leading to the
 * flow's `onError` node and is listed in `warnings`, so the result always validates.
 *
 * @example
 * const read = readStudioFlow(JSON.parse(text))
 * if (read.ok) {
 *   const { id, flow, layout, warnings } = convertStudioFlow(read.source, { fileName: 'ivr.json' })
 * }
 */
export function convertStudioFlow(source: StudioSource, options: ConvertOptions = {}): StudioConversion {
  const { definition } = source
  const cx = new Conversion(definition)
  // Widget ids first, so a helper node (end, sorry, …) never takes a widget's name.
  for (const widget of definition.states) if (!cx.isTrigger(widget)) cx.ids.forWidget(widget.name)
  for (const widget of definition.states) {
    const offset = widget.properties.offset as { x?: unknown; y?: unknown } | undefined
    if (!cx.isTrigger(widget) && typeof offset?.x === 'number' && typeof offset.y === 'number') cx.positions.set(cx.ids.forWidget(widget.name), { x: offset.x, y: offset.y })
  }
  const entry = entryOf(cx)

  // Plans first: templates anywhere may read what gathers, requests and recordings produce.
  const gathers = new Map<string, GatherPlan>()
  const dials = new Map<string, StudioWidget | undefined>()
  for (const widget of definition.states) {
    if (widget.type === 'gather-input-on-call') gathers.set(widget.name, planGather(cx, widget))
    if (widget.type === 'make-http-request') cx.outputs.set(widget.name, { kind: 'http', saveAs: varNameFrom(widget.name) })
    if (widget.type === 'record-voicemail') cx.outputs.set(widget.name, { kind: 'record', saveAs: varNameFrom(widget.name) })
  }
  for (const widget of definition.states) if (widget.type === 'connect-call-to') dials.set(widget.name, planDial(cx, widget))

  for (const widget of definition.states) {
    if (cx.isTrigger(widget) || cx.merged.has(widget.name)) continue
    if (entry.outgoingCall === widget.name) continue
    const id = cx.ids.forWidget(widget.name)
    cx.nodes.set(id, convertWidget(cx, widget, id, gathers.get(widget.name), dials.get(widget.name)))
  }
  const start = entry.start(cx)
  dropAbsorbed(cx, start)
  breakInputFreeLoops(cx, start)
  // An answer nothing reads need not be kept.
  for (const widget of definition.states) {
    if (widget.type !== 'make-http-request' || cx.readWidgets.has(widget.name)) continue
    const node = cx.nodes.get(cx.ids.forWidget(widget.name))
    if (node?.type === 'http') delete node.saveAs
  }

  const nodes = ordered(cx, start)
  const voices = sharedVoice(nodes, cx.errorNodeId)
  const name = source.name
  const flow: FlowInput = {
    flow: options.id ?? flowIdFrom(name ?? '') ?? flowIdFrom((options.fileName ?? '').replace(/^.*[\\/]/, '').replace(/\.json$/i, '')) ?? 'studio-flow',
    ...(name !== undefined ? { title: name } : {}),
    ...(voices.voice !== undefined ? { voice: voices.voice } : {}),
    ...(voices.language !== undefined ? { language: voices.language } : {}),
    ...(cx.dataVars.size > 0 ? { vars: Object.fromEntries([...cx.dataVars].sort().map((v) => [v, ''])) } : {}),
    start,
    ...(cx.errorNodeId !== undefined && nodes[cx.errorNodeId] !== undefined ? { onError: cx.errorNodeId } : {}),
    nodes,
  }
  return { id: flow.flow, ...(name !== undefined ? { name } : {}), flow, layout: layoutOf(cx, nodes), warnings: cx.warnings }
}

function convertWidget(cx: Conversion, widget: StudioWidget, id: string, gather: GatherPlan | undefined, statusSplit: StudioWidget | undefined): NodeInput {
  switch (widget.type) {
    case 'say-play': return convertSay(cx, widget)
    case 'gather-input-on-call': return convertGather(cx, widget, gather ?? planGather(cx, widget))
    case 'split-based-on': return convertSplit(cx, widget, id)
    case 'set-variables': return convertSet(cx, widget)
    case 'make-http-request': return convertHttp(cx, widget)
    case 'connect-call-to': return convertDial(cx, widget, statusSplit)
    case 'record-voicemail': return convertRecord(cx, widget, id)
    case 'enqueue-call': return convertEnqueue(cx, widget)
    case 'add-twiml-redirect': return convertRedirect(cx, widget)
    default: return placeholder(cx, widget, unsupportedReason(widget.type) ?? `is a ${widget.type} widget, which Phonetree does not know`)
  }
}

interface Entry {
  /** An outgoing-call widget right after the trigger: the call itself, not a node. */
  outgoingCall?: string
  start(cx: Conversion): string
}

/**
 * Where calls start: the trigger's `incomingCall`. A flow started only by the REST API
 * (`incomingRequest`) is an outbound call; when it begins with Make Outgoing Call, the call
 * starts where that widget's `answered` transition leads.
 */
function entryOf(cx: Conversion): Entry {
  const trigger = [...cx.widgets.values()].find((w) => cx.isTrigger(w))
  if (trigger === undefined) return { start: (c) => c.endNode() }
  const incoming = nextOf(transitionFor(trigger, 'incomingCall'))
  for (const event of ['incomingMessage', 'incomingConversationMessage', 'incomingParent']) {
    const next = nextOf(transitionFor(trigger, event))
    if (next !== undefined && next !== incoming) cx.warn(trigger, `its ${event} transition (to "${next}") is not converted: Phonetree flows answer calls`)
  }
  if (incoming !== undefined) {
    const request = nextOf(transitionFor(trigger, 'incomingRequest'))
    if (request !== undefined && request !== incoming) cx.warn(trigger, `its incomingRequest transition (to "${request}") is not converted: calls start at "${incoming}"; place outbound calls with phonetree dial`)
    return { start: (c) => c.target(incoming, trigger) }
  }
  const request = nextOf(transitionFor(trigger, 'incomingRequest'))
  const first = cx.widget(request)
  if (first === undefined) {
    cx.warn(trigger, 'has no incomingCall transition, so the converted flow just hangs up')
    return { start: (c) => c.endNode() }
  }
  cx.outbound = true
  if (!OUTGOING_CALL.has(first.type)) {
    cx.warn(trigger, `starts on a REST API request (incomingRequest); the flow starts at "${first.name}", for calls placed with phonetree dial`)
    return { start: (c) => c.target(first.name, trigger) }
  }
  cx.outputs.set(first.name, { kind: 'outgoing-call' })
  cx.merged.add(first.name)
  for (const event of ['busy', 'noAnswer', 'failed']) {
    const next = nextOf(transitionFor(first, event))
    if (next !== undefined) cx.warn(first, `its ${event} transition (to "${next}") is not converted: a Phonetree flow runs once the call is answered; an unanswered call is in the call history`)
  }
  cx.warn(first, 'places the call: in Phonetree, place it with phonetree dial (or POST /api/calls); the flow starts where "answered" led')
  return { outgoingCall: first.name, start: (c) => c.target(nextOf(transitionFor(first, 'answered')), first) }
}

/** Drops helper nodes that merging left with no way in (a counter's split, a "Sorry" already folded into a menu). */
function dropAbsorbed(cx: Conversion, start: string): void {
  for (let changed = true; changed;) {
    changed = false
    const targets = new Set<string>([start])
    for (const [id, node] of cx.nodes) for (const e of edgesOf(id, node as FlowNode)) targets.add(e.to)
    for (const id of cx.absorbable) {
      if (cx.nodes.has(id) && !targets.has(id)) {
        cx.nodes.delete(id)
        cx.positions.delete(id)
        changed = true
      }
    }
  }
}

/** Nodes in the order a caller meets them (breadth first from start), then the rest, helpers last. */
function ordered(cx: Conversion, start: string): Record<string, NodeInput> {
  const order: string[] = []
  const seen = new Set<string>()
  const queue = [start]
  while (queue.length > 0) {
    const id = queue.shift()!
    const node = cx.nodes.get(id)
    if (seen.has(id) || node === undefined || cx.trailing.has(id)) continue
    seen.add(id)
    order.push(id)
    queue.push(...edgesOf(id, node as FlowNode).map((e) => e.to))
  }
  const rest = [...cx.nodes.keys()].filter((id) => !seen.has(id) && !cx.trailing.has(id))
  rest.push(...[...cx.nodes.keys()].filter((id) => cx.trailing.has(id)))
  return Object.fromEntries([...order, ...rest].map((id) => [id, cx.nodes.get(id)!]))
}

/**
 * A voice and language every speaking node shares move to the flow; a node that names
 * neither would otherwise change voice, so this happens only when all of them agree.
 */
function sharedVoice(nodes: Record<string, NodeInput>, helper: string | undefined): { voice?: string; language?: string } {
  const speaking = Object.entries(nodes).filter(([id]) => id !== helper).map(([, n]) => n).filter((n) => n.type !== 'set' && n.type !== 'branch' && n.type !== 'http' && 'prompt' in n && n.prompt !== undefined && n.prompt !== '')
  const out: { voice?: string; language?: string } = {}
  for (const key of ['voice', 'language'] as const) {
    const values = new Set(speaking.map((n) => n[key]))
    const [only] = values
    if (values.size === 1 && only !== undefined) {
      out[key] = only
      for (const node of Object.values(nodes)) if (node[key] === only) delete node[key]
    }
  }
  return out
}

/** Positions from Studio's canvas; helper nodes without one go below the lowest widget. */
function layoutOf(cx: Conversion, nodes: Record<string, NodeInput>): Layout {
  const placed = Object.keys(nodes).flatMap((id) => {
    const at = cx.positions.get(id)
    return at !== undefined ? [[id, at] as const] : []
  })
  const xs = placed.map(([, p]) => p.x)
  const bottom = Math.max(0, ...placed.map(([, p]) => p.y)) + 250
  let x = xs.length > 0 ? Math.min(...xs) : 0
  const layout: Layout = { nodes: {} }
  for (const id of Object.keys(nodes)) {
    const at = cx.positions.get(id)
    if (at !== undefined) layout.nodes[id] = { x: at.x, y: at.y }
    else {
      layout.nodes[id] = { x, y: bottom }
      x += 300
    }
  }
  return layout
}
