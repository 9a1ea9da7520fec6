import { serve } from '@hono/node-server'
import type { ServerType } from '@hono/node-server'
import type { Config } from '../config.ts'
import { checkProductionConfig } from '../config.ts'
import { createApp } from '../app.ts'
import { CallService } from '../calls/service.ts'
import { FlowRegistry } from '../flows/registry.ts'
import { createLogger } from '../log.ts'
import type { Logger } from '../log.ts'
import { openStore } from '../store/open.ts'
import { twilioDialer } from '../api/dialer.ts'
import { nodeBodyReader } from './node-body.ts'

export interface RunningServer {
  url: string
  port: number
  close(): Promise<void>
}

/**
 * Runs Phonetree on Node: opens the store, loads and watches the flows, serves the app, and
 * purges call history past the retention period every hour.
 *
 * @example const server = await startServer(readConfig()); … await server.close()
 */
export async function startServer(config: Config, log: Logger = createLogger()): Promise<RunningServer> {
  const refusals = checkProductionConfig(config)
  if (refusals.length > 0) throw new Error(refusals.join('; '))
  const store = await openStore(config.store)
  const flows = await FlowRegistry.open(config.flowsDir, store, log)
  const calls = new CallService({ flows, store, log, publicUrl: config.publicUrl, httpAllow: config.httpAllow })
  const app = createApp({ config, flows, store, log, calls, dialer: twilioDialer(config, store, flows), bodyReader: nodeBodyReader })
  const retentionMs = config.retentionDays * 24 * 3600_000
  const purge = () => store.purge(Date.now() - retentionMs)
    .then((n) => { if (n > 0) log.info('purged old calls', { calls: n }) })
    .catch((error: unknown) => log.error('purge failed', { error: String(error) }))
  void purge()
  const timer = setInterval(purge, 3600_000)
  timer.unref()
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s))
    s.once('error', reject)
  })
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : config.port
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`
  log.info('phonetree serving', { url, store: store.kind, flows: flows.list().map((f) => f.id), signatures: config.authToken !== undefined })
  let closed = false
  return {
    url,
    port,
    async close() {
      if (closed) return
      closed = true
      clearInterval(timer)
      flows.close()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await store.close()
    },
  }
}
