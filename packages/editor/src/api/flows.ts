import type { FlowProblem } from '@phonetree/engine'
import type { Layout } from '../store/editor-store.ts'

/** A flow as `GET /api/flows` lists it. */
export interface FlowSummary {
  id: string
  version?: string
  problems: FlowProblem[]
  current: boolean
}

/** A flow as `GET /api/flows/:id` returns it. */
export interface OpenedFlow {
  id: string
  source: string
  layout: Layout | null
  etag: string
  problems: FlowProblem[]
}

/** What is on disk when a save is refused (409). */
export interface DiskVersion {
  source: string
  layout: string | null
  etag: string
}

export type SaveResult =
  | { kind: 'saved'; etag: string; problems: FlowProblem[]; current: boolean; version?: string }
  | { kind: 'conflict'; current: DiskVersion }
  | { kind: 'error'; message: string }

/** The API token, for servers that need one (kept in this browser's storage, never in the page). */
function headers(json: boolean): HeadersInit {
  const token = globalThis.localStorage?.getItem('phonetree.apiToken')
  return { ...(json ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) }
}

async function failure(response: Response): Promise<string> {
  const body = await response.json().catch(() => undefined) as { error?: unknown } | undefined
  return typeof body?.error === 'string' ? body.error : `${response.status} ${response.statusText}`
}

/** A layout sidecar's JSON text as a layout; anything unreadable is no layout. */
export function parseLayout(text: string | null): Layout | null {
  if (text === null) return null
  try {
    const data = JSON.parse(text) as { nodes?: unknown }
    if (data === null || typeof data !== 'object' || data.nodes === null || typeof data.nodes !== 'object') return null
    const nodes: Layout['nodes'] = {}
    for (const [id, at] of Object.entries(data.nodes as Record<string, unknown>)) {
      const p = at as { x?: unknown; y?: unknown } | null
      if (p !== null && typeof p === 'object' && typeof p.x === 'number' && typeof p.y === 'number') nodes[id] = { x: p.x, y: p.y }
    }
    return { nodes }
  } catch {
    return null
  }
}

/** Lists the server's flows. */
export async function listFlows(): Promise<FlowSummary[]> {
  const response = await fetch('/api/flows', { headers: headers(false) })
  if (!response.ok) throw new Error(await failure(response))
  const body = await response.json() as { flows: FlowSummary[] }
  return [...body.flows].sort((a, b) => a.id.localeCompare(b.id))
}

/** Fetches a flow's YAML, layout and etag. */
export async function getFlow(id: string): Promise<OpenedFlow> {
  const response = await fetch(`/api/flows/${encodeURIComponent(id)}`, { headers: headers(false) })
  if (!response.ok) throw new Error(await failure(response))
  const body = await response.json() as { source: string; layout: string | null; etag: string; problems?: FlowProblem[] }
  return { id, source: body.source, layout: parseLayout(body.layout), etag: body.etag, problems: body.problems ?? [] }
}

/**
 * Saves text and layout over the version `etag` names (`null` creates a new flow). A flow
 * changed on disk since is not overwritten: the result carries what is there now.
 */
export async function saveFlow(id: string, body: { source: string; layout: Layout | null; etag: string | null }): Promise<SaveResult> {
  let response: Response
  try {
    response = await fetch(`/api/flows/${encodeURIComponent(id)}`, { method: 'PUT', headers: headers(true), body: JSON.stringify(body) })
  } catch (error) {
    return { kind: 'error', message: error instanceof Error ? error.message : String(error) }
  }
  if (response.status === 409) {
    const conflict = await response.json() as { current: DiskVersion }
    return { kind: 'conflict', current: conflict.current }
  }
  if (!response.ok) return { kind: 'error', message: await failure(response) }
  const saved = await response.json() as { etag: string; problems?: FlowProblem[]; current?: boolean; version?: string }
  return { kind: 'saved', etag: saved.etag, problems: saved.problems ?? [], current: saved.current ?? false, ...(saved.version !== undefined ? { version: saved.version } : {}) }
}
