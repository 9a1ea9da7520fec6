/**
 * Real `phonetree serve` processes for crash and scale-out runs: each on a loopback port, with
 * signatures on, their http nodes allowed to reach 127.0.0.1 only, and a public URL that exists
 * only inside the harness (requests to it are routed to a live process by `publicTo`).
 */
import { startServerProcess } from '../../support/server-process.ts'
import type { ServerProcess } from '../../support/server-process.ts'
import type { Transport } from '../../../packages/server/src/twilio/simulator.ts'
import { publicTo } from './caller.ts'

export const CLUSTER_PUBLIC_URL = 'https://ivr.example.com'
export const CLUSTER_AUTH_TOKEN = 'reliability-token-0123456789abcd'

export interface Cluster {
  servers: ServerProcess[]
  /** Webhooks dealt to the instances in turn, whatever URL Twilio requests. */
  roundRobin: Transport
  /** Log lines of every instance that mention a call waiting too long for its lock. */
  lockTimeouts(): Set<string>
  /** Log lines at level error, across instances. */
  errors(): Array<Record<string, unknown>>
  stop(): Promise<void>
}

/**
 * Starts `instances` servers sharing one store (a SQLite file or a redis:// URL).
 *
 * @example const cluster = await startCluster({ instances: 2, store: redis.url, flowsDir })
 */
export async function startCluster(options: { instances: number; store: string; flowsDir: string; env?: Record<string, string> }): Promise<Cluster> {
  const env = {
    PHONETREE_STORE: options.store,
    FLOWS_DIR: options.flowsDir,
    PUBLIC_URL: CLUSTER_PUBLIC_URL,
    TWILIO_AUTH_TOKEN: CLUSTER_AUTH_TOKEN,
    // Flows may only reach the local back end, whatever their files say.
    PHONETREE_HTTP_ALLOW: '127.0.0.1',
    ...options.env,
  }
  const servers: ServerProcess[] = []
  for (let i = 0; i < options.instances; i++) servers.push(await startServerProcess({ env }))
  let turn = 0
  const roundRobin = publicTo(CLUSTER_PUBLIC_URL, () => servers[turn++ % servers.length]!.url)
  const logs = () => servers.flatMap((s) => s.logs)
  return {
    servers,
    roundRobin,
    lockTimeouts: () => new Set(logs().filter((l) => /gave up waiting for its lock/.test(String(l.error ?? ''))).map((l) => String(l.call))),
    errors: () => logs().filter((l) => l.level === 'error'),
    stop: async () => {
      await Promise.all(servers.map((s) => s.kill('SIGTERM')))
    },
  }
}
