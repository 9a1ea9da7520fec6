/**
 * The webhook benchmark's baseline: the physical limit of this stack. The same Hono and
 * @hono/node-server as Phonetree, in a process of its own started the same way (Node with the
 * tsx loader), answering the same routes with fixed TwiML and no state. It reads each body, as
 * any webhook handler must, but does not parse it.
 *
 * Usage: node --import tsx bench/webhook/bare-server.ts <port>
 */
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import type { Context } from 'hono'
import { FIXED_TWIML } from './flow.ts'

const port = Number(process.argv[2])
if (!Number.isInteger(port) || port <= 0) throw new Error(`usage: bare-server.ts <port>, not ${process.argv[2]}`)

const app = new Hono()
app.get('/healthz', (c) => c.json({ ok: true }))
app.post('/voice/:flowId/status', async (c) => {
  await c.req.text()
  return c.body(null, 204)
})
const answer = async (c: Context) => {
  await c.req.text()
  return c.body(FIXED_TWIML, 200, { 'content-type': 'text/xml; charset=utf-8' })
}
app.post('/voice/:flowId', answer)
app.post('/voice/:flowId/:seq{[0-9]{1,9}}', answer)

const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' })
const close = () => server.close(() => process.exit(0))
process.once('SIGTERM', close)
process.once('SIGINT', close)
