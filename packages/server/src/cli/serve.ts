import { parseArgs } from 'node:util'
import { readConfig } from '../config.ts'
import { startServer } from '../adapter/node.ts'
import type { Output } from './validate.ts'

/**
 * `phonetree serve [--port N] [--flows DIR] [--host H]`: runs the server until SIGINT/SIGTERM.
 *
 * @example await serveCommand(['--port', '3000'], io)
 */
export async function serveCommand(argv: readonly string[], io: Output): Promise<number> {
  const { values } = parseArgs({ args: [...argv], options: { port: { type: 'string' }, flows: { type: 'string' }, host: { type: 'string' } } })
  const env = { ...process.env }
  if (values.port !== undefined) env.PORT = values.port
  if (values.flows !== undefined) env.FLOWS_DIR = values.flows
  if (values.host !== undefined) env.HOST = values.host
  const server = await startServer(readConfig(env))
  io.out(`Phonetree listening on ${server.url} (POST /voice/<flow>; status at ${server.url}/)`)
  await new Promise<void>((resolve) => {
    const stop = () => resolve()
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
  await server.close()
  return 0
}
