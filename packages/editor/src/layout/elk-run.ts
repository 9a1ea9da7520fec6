import ELK from 'elkjs/lib/elk-api.js'
import type { ELK as ElkApi, ElkNode } from 'elkjs/lib/elk-api.js'
import elkWorkerUrl from 'elkjs/lib/elk-worker.min.js?url'

let elk: ElkApi | undefined

/**
 * Lays out a graph with ELK in a Web Worker (elkjs's own worker script, emitted as is by
 * Vite), so a flow of hundreds of nodes never blocks the page. One worker serves every call.
 *
 * @example const placed = await runElk(elkGraph(draft, geometryOf, 'LR'))
 */
export function runElk(graph: ElkNode): Promise<ElkNode> {
  elk ??= new ELK({ workerFactory: () => new Worker(elkWorkerUrl, { name: 'elk-layout' }) })
  return elk.layout(graph)
}
