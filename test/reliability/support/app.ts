/**
 * The app wired as `phonetree serve` wires it, in process, with a real `fetch` limited to
 * loopback (PHONETREE_HTTP_ALLOW=127.0.0.1) and a chosen answer budget, for back-end tests
 * that must see real sockets time out. (`testServer` stubs fetch and keeps the 12 s budget.)
 */
import type { Hono } from 'hono'
import { createApp } from '../../../packages/server/src/app.ts'
import { CallService } from '../../../packages/server/src/calls/service.ts'
import { readConfig } from '../../../packages/server/src/config.ts'
import { FlowRegistry } from '../../../packages/server/src/flows/registry.ts'
import { memoryLogger } from '../../../packages/server/src/log.ts'
import { createMemoryStore } from '../../../packages/server/src/store/memory.ts'
import type { CallStore } from '../../../packages/server/src/store/types.ts'
import { TEST_AUTH_TOKEN, TEST_PUBLIC_URL } from '../../../packages/server/src/testing.ts'

export interface WiredApp {
  app: Hono
  store: CallStore
  log: ReturnType<typeof memoryLogger>
  close(): void
}

/**
 * @example const server = await wiredApp({ flowsDir, answerBudgetMs: 2500 })
 */
export async function wiredApp(options: { flowsDir: string; answerBudgetMs?: number; store?: CallStore }): Promise<WiredApp> {
  const log = memoryLogger()
  const store = options.store ?? createMemoryStore()
  const config = readConfig({ FLOWS_DIR: options.flowsDir, PUBLIC_URL: TEST_PUBLIC_URL, TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN, PHONETREE_HTTP_ALLOW: '127.0.0.1' })
  const flows = await FlowRegistry.open(config.flowsDir, store, log, { watch: false })
  const calls = new CallService({
    flows, store, log, publicUrl: config.publicUrl, httpAllow: config.httpAllow,
    ...(options.answerBudgetMs !== undefined ? { answerBudgetMs: options.answerBudgetMs } : {}),
  })
  const app = createApp({ config, flows, store, log, calls })
  return { app, store, log, close: () => flows.close() }
}
