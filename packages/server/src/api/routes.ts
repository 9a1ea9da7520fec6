import { createHash, timingSafeEqual } from 'node:crypto'
import { join } from 'node:path'
import { Hono } from 'hono'
import type { Context, Next } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { FLOW_ID, loadFlow } from '@phonetree/engine'
import type { AppDeps } from '../app.ts'
import { DialError } from './dialer.ts'
import { FlowFilesStore, SaveConflict } from '../flows/files.ts'

/** Flows of a few thousand nodes are a few hundred kilobytes of YAML. */
const MAX_FLOW_BYTES = 5 * 1024 * 1024

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost'])

/**
 * `/api/…`: flows and call history for the editor and for operators. Needs
 * `Authorization: Bearer $PHONETREE_API_TOKEN` when a token is set; without one the API is
 * only served when the server listens on loopback.
 */
export function apiRoutes(deps: AppDeps): Hono {
  const api = new Hono()
  api.use('*', (c, next) => guard(deps, c, next))

  api.get('/flows', (c) => c.json({ flows: deps.flows.list() }))
  const files = new FlowFilesStore(deps.config.flowsDir)
  api.get('/flows/:id', (c) => {
    const id = c.req.param('id')
    const status = FLOW_ID.test(id) ? deps.flows.status(id) : undefined
    const opened = status !== undefined ? files.read(id) : undefined
    if (status === undefined || opened === undefined) return c.json({ error: `no flow "${id}"` }, 404)
    return c.json({ ...status, ...opened })
  })
  // Saves what the editor shows. `etag` names the version it opened; a flow changed on disk
  // since then is not overwritten (409 with what is there now), so nobody's work is lost.
  api.put('/flows/:id', bodyLimit({ maxSize: MAX_FLOW_BYTES, onError: (c) => c.json({ error: 'flow too large' }, 413) }), async (c) => {
    const notJson = requireJson(c)
    if (notJson !== undefined) return notJson
    const id = c.req.param('id')
    if (!FLOW_ID.test(id)) return c.json({ error: `"${id}" is not a flow id` }, 400)
    const body = await c.req.json().catch(() => undefined) as { source?: unknown; layout?: unknown; etag?: unknown } | undefined
    if (body === undefined || typeof body.source !== 'string' || (body.etag !== null && typeof body.etag !== 'string')) {
      return c.json({ error: 'send JSON { "source": "<yaml>", "layout": { … } | null, "etag": "<etag from GET>" | null }' }, 400)
    }
    const layout = body.layout === undefined || body.layout === null ? null : `${JSON.stringify(body.layout, null, 2)}\n`
    try {
      const saved = files.save(id, body.source, layout, body.etag as string | null)
      const status = await deps.flows.reload(join(deps.config.flowsDir, `${id}.yaml`))
      const problems = status?.problems ?? loadFlow(saved.source, `${id}.yaml`).problems
      deps.log.info('flow saved from the editor', { flow: id, etag: saved.etag, errors: problems.filter((p) => p.severity === 'error').length })
      return c.json({ ...status, ...saved, problems })
    } catch (error) {
      if (error instanceof SaveConflict) return c.json({ error: error.message, current: error.current }, 409)
      return c.json({ error: error instanceof Error ? error.message : String(error) }, 404)
    }
  })

  api.get('/calls', async (c) => {
    const limit = Math.min(Number(c.req.query('limit') ?? 50) || 50, 500)
    const before = c.req.query('before') !== undefined ? Number(c.req.query('before')) : undefined
    const status = c.req.query('status')
    const calls = await deps.store.listCalls({
      limit,
      ...(c.req.query('flow') !== undefined ? { flow: c.req.query('flow')! } : {}),
      ...(status === 'active' || status === 'ended' ? { status } : {}),
      ...(before !== undefined && Number.isFinite(before) ? { before } : {}),
    })
    return c.json({ calls })
  })
  api.get('/calls/:sid', async (c) => {
    const record = await deps.store.getCall(c.req.param('sid'))
    if (record === undefined) return c.json({ error: 'no such call' }, 404)
    const { answers: _answers, ...call } = record
    return c.json({ call, steps: await deps.store.getSteps(record.sid) })
  })
  api.post('/calls', bodyLimit({ maxSize: deps.config.maxBodyBytes, onError: (c) => c.json({ error: 'request too large' }, 413) }), async (c) => {
    const notJson = requireJson(c)
    if (notJson !== undefined) return notJson
    if (deps.dialer === undefined) return c.json({ error: 'outbound calls are not configured' }, 503)
    const body = await c.req.json().catch(() => undefined) as { flow?: unknown; to?: unknown; vars?: unknown } | undefined
    if (body === undefined || typeof body.flow !== 'string' || typeof body.to !== 'string') return c.json({ error: 'send JSON { "flow": "...", "to": "+1...", "vars": { } }' }, 400)
    const vars = body.vars !== undefined && body.vars !== null && typeof body.vars === 'object' && !Array.isArray(body.vars) ? body.vars as Record<string, unknown> : {}
    try {
      const placed = await deps.dialer.place({ flow: body.flow, to: body.to, vars })
      deps.log.info('outbound call placed', { call: placed.sid, flow: body.flow })
      return c.json(placed, 201)
    } catch (error) {
      if (error instanceof DialError) return c.json({ error: error.message }, error.status)
      throw error
    }
  })
  return api
}

async function guard(deps: AppDeps, c: Context, next: Next) {
  const token = deps.config.apiToken
  if (token !== undefined) {
    if (!sameSecret(c.req.header('authorization') ?? '', `Bearer ${token}`)) return c.json({ error: 'send Authorization: Bearer <PHONETREE_API_TOKEN>' }, 401)
    return next()
  }
  // Without a token the API is for a browser on this machine only: not in production, not
  // beyond loopback, not through a reverse proxy (which would make every visitor "local"),
  // and not under another host name (a DNS-rebinding page would send its own Host).
  const refusal = deps.config.production
    ? 'in production the API needs PHONETREE_API_TOKEN'
    : !LOOPBACK.has(deps.config.host)
      ? 'the API needs PHONETREE_API_TOKEN when the server listens beyond loopback'
      : PROXY_HEADERS.some((h) => c.req.header(h) !== undefined)
        ? 'the API needs PHONETREE_API_TOKEN behind a reverse proxy'
        : !LOOPBACK.has(requestHost(c))
          ? 'the API answers only requests to localhost without PHONETREE_API_TOKEN'
          : undefined
  if (refusal !== undefined) return c.json({ error: refusal }, 403)
  return next()
}

const PROXY_HEADERS = ['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-real-ip']

function requestHost(c: Context): string {
  const header = c.req.header('host')
  const host = header !== undefined ? new URL(`http://${header}`).hostname : new URL(c.req.url).hostname
  return host.replace(/^\[|\]$/g, '')
}

/** Compares secrets in constant time (over their hashes, so lengths do not leak either). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest()
  return timingSafeEqual(digest(given), digest(expected))
}

/** Writes take JSON only, so a cross-site HTML form (text/plain, urlencoded) cannot make one. */
function requireJson(c: Context): Response | undefined {
  return /^application\/json\b/i.test(c.req.header('content-type') ?? '') ? undefined : c.json({ error: 'send Content-Type: application/json' }, 415)
}
