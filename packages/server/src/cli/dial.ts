import { parseArgs } from 'node:util'
import type { Output } from './validate.ts'

/**
 * `phonetree dial --flow ID --to +1… [--var name=value …] [--server URL]`: asks a running
 * Phonetree server to place an outbound call (the server holds the Twilio credentials and the
 * PHONETREE_DIAL_ALLOW list). Prints the new call's sid.
 *
 * @example await dialCommand(['--flow', 'verify', '--to', '+15551230000', '--var', 'code=481516'], io)
 */
export async function dialCommand(argv: readonly string[], io: Output, env: Record<string, string | undefined> = process.env): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: { flow: { type: 'string' }, to: { type: 'string' }, var: { type: 'string', multiple: true }, server: { type: 'string' } },
  })
  if (values.flow === undefined || values.to === undefined) {
    io.err('usage: phonetree dial --flow ID --to +15551234567 [--var name=value …] [--server http://127.0.0.1:3000]')
    return 2
  }
  const vars: Record<string, string> = {}
  for (const pair of values.var ?? []) {
    const at = pair.indexOf('=')
    if (at <= 0) {
      io.err(`--var takes name=value, not "${pair}"`)
      return 2
    }
    vars[pair.slice(0, at)] = pair.slice(at + 1)
  }
  const server = (values.server ?? `http://127.0.0.1:${env.PORT ?? 3000}`).replace(/\/+$/, '')
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (env.PHONETREE_API_TOKEN) headers.authorization = `Bearer ${env.PHONETREE_API_TOKEN}`
  let response: Response
  try {
    response = await fetch(`${server}/api/calls`, { method: 'POST', headers, body: JSON.stringify({ flow: values.flow, to: values.to, vars }) })
  } catch (error) {
    io.err(`cannot reach the Phonetree server at ${server} (start it with "npm start"): ${error instanceof Error ? error.message : String(error)}`)
    return 1
  }
  const body = await response.json().catch(() => ({})) as { sid?: string; error?: string }
  if (!response.ok) {
    io.err(`the server refused the call (${response.status}): ${body.error ?? 'no reason given'}`)
    return 1
  }
  io.out(`placed call ${body.sid} to ${values.to} running "${values.flow}"`)
  return 0
}
