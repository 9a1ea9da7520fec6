import { createReadStream, existsSync, readFileSync, realpathSync, statSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { extname, join, resolve, sep } from 'node:path'
import { Readable } from 'node:stream'
import { Hono } from 'hono'
import type { Context } from 'hono'
import { renderApology } from '@phonetree/engine'
import type { Config } from './config.ts'
import type { FlowRegistry } from './flows/registry.ts'
import type { CallStore } from './store/types.ts'
import type { Logger } from './log.ts'
import type { CallService } from './calls/service.ts'
import { publicUrlFor, verifySignature } from './twilio/signature.ts'
import { lastValues, readFormAll, WebhookError } from './twilio/webhook.ts'
import type { BodyReader } from './twilio/webhook.ts'
import { apiRoutes } from './api/routes.ts'
import type { Dialer } from './api/dialer.ts'

export interface AppDeps {
  config: Config
  flows: FlowRegistry
  store: CallStore
  log: Logger
  calls: CallService
  dialer?: Dialer
  /** A runtime's faster way to read a webhook's body (the Node adapter's); `request.body` otherwise. */
  bodyReader?: (c: Context) => BodyReader | undefined
}

const AUDIO_TYPES: Record<string, string> = {
  '.mp3': 'audio/mpeg', '.wav': 'audio/wav', '.ogg': 'audio/ogg', '.aiff': 'audio/aiff', '.gsm': 'audio/gsm', '.ulaw': 'audio/ulaw',
}

/**
 * The Phonetree HTTP app: Twilio's voice webhooks, audio for `play` prompts, the API and the
 * health check. A web-standard Hono app, so tests drive it with `app.request()`.
 *
 * @example const app = createApp(deps); await app.request('/healthz') // 200
 */
export function createApp(deps: AppDeps): Hono {
  const { config, log } = deps
  const app = new Hono()

  app.get('/healthz', async (c) => {
    try {
      await deps.store.ping()
      return c.json({ ok: true, store: deps.store.kind, flows: deps.flows.list().filter((f) => f.version !== undefined).length })
    } catch (error) {
      return c.json({ ok: false, store: deps.store.kind, error: String(error) }, 503)
    }
  })

  app.post('/voice/:flowId', webhook(deps, (c, params) => deps.calls.startCall(c.req.param('flowId')!, params, c.req.query('v'))))
  app.post('/voice/:flowId/status', webhook(deps, async (_c, params) => {
    await deps.calls.statusCallback(params)
    return undefined
  }))
  app.post('/voice/:flowId/:seq{[0-9]{1,9}}', webhook(deps, (c, params) => deps.calls.continueCall(c.req.param('flowId')!, Number(c.req.param('seq')), params)))
  app.post('/voice/:flowId/:seq{[0-9]{1,9}}/transcription', webhook(deps, async (c, params) => {
    await deps.calls.transcription(Number(c.req.param('seq')), params)
    return undefined
  }))

  app.get('/audio/*', (c) => serveAudio(c, config.flowsDir))
  app.route('/api', apiRoutes(deps))
  const editor = editorBuild()
  app.get('/', (c) => (editor !== undefined ? c.html(readFileSync(join(editor, 'index.html'), 'utf8')) : c.html(statusPage(deps.flows))))
  app.get('/status', (c) => c.html(statusPage(deps.flows)))
  if (editor !== undefined) app.get('/assets/*', (c) => serveFile(c, join(editor, 'assets'), c.req.path.slice('/assets/'.length), EDITOR_TYPES))

  app.notFound((c) => (c.req.path.startsWith('/voice/') ? twiml(c, renderApology()) : c.json({ error: 'not found' }, 404)))
  app.onError((error, c) => {
    log.error('unhandled error', { path: c.req.path, error: error instanceof Error ? error.stack ?? error.message : String(error) })
    // A caller must never hear "an application error has occurred".
    return c.req.path.startsWith('/voice/') ? twiml(c, renderApology()) : c.json({ error: 'internal error' }, 500)
  })
  return app
}

type Handler = (c: Context, params: Record<string, string>) => Promise<string | undefined>

/**
 * Wraps a voice route: bounded form body, signature check, CallSid present, and any failure
 * answered with apology TwiML (200) rather than an error status Twilio would read out.
 */
function webhook(deps: AppDeps, handle: Handler) {
  return async (c: Context) => {
    const { config, log } = deps
    let form: { params: Record<string, string>; all: Record<string, string[]> }
    try {
      const all = await readFormAll(c.req.raw, config.maxBodyBytes, deps.bodyReader?.(c))
      form = { all, params: lastValues(all) }
    } catch (error) {
      if (error instanceof WebhookError) return c.text(error.message, error.status as 400)
      throw error
    }
    if (config.authToken !== undefined) {
      const url = new URL(c.req.url)
      const signed = publicUrlFor(config.publicUrl ?? url.origin, url.pathname, url.search)
      if (!verifySignature(config.authToken, c.req.header('x-twilio-signature'), signed, form.all)) {
        log.warn('webhook refused: bad or missing X-Twilio-Signature', { path: url.pathname, call: form.params.CallSid })
        return c.text('invalid Twilio signature', 403)
      }
    }
    if (form.params.CallSid === undefined || !/^[A-Za-z0-9_-]{1,64}$/.test(form.params.CallSid)) return c.text('missing or malformed CallSid', 400)
    try {
      const answer = await handle(c, form.params)
      return answer === undefined ? c.body(null, 204) : twiml(c, answer)
    } catch (error) {
      log.error('webhook failed; answered with an apology', { path: c.req.path, call: form.params.CallSid, error: error instanceof Error ? error.message : String(error) })
      return answer(c)
    }
  }
  function answer(c: Context) {
    return c.req.path.endsWith('/status') || c.req.path.endsWith('/transcription') ? c.body(null, 204) : twiml(c, renderApology())
  }
}

function twiml(c: Context, xml: string) {
  return c.body(xml, 200, { 'content-type': 'text/xml; charset=utf-8' })
}

/** Serves `flows/audio/…` for `play` parts. */
function serveAudio(c: Context, flowsDir: string) {
  return serveFile(c, resolve(flowsDir, 'audio'), c.req.path.slice('/audio/'.length), AUDIO_TYPES)
}

/** Serves a file under `root` with one of the allowed types; never a file outside `root`. */
function serveFile(c: Context, root: string, encoded: string, types: Record<string, string>) {
  let relative: string
  try {
    relative = decodeURIComponent(encoded)
  } catch {
    return c.json({ error: 'not found' }, 404)
  }
  const type = types[extname(relative).toLowerCase()]
  if (type === undefined || relative.includes('\0') || !existsSync(root)) return c.json({ error: 'not found' }, 404)
  const path = resolve(join(root, relative))
  if (!path.startsWith(root + sep) || !existsSync(path)) return c.json({ error: 'not found' }, 404)
  // A symlink inside the folder must not lead out of it either.
  const real = realpathSync(path)
  if (!real.startsWith(realpathSync(root) + sep) || !statSync(real).isFile()) return c.json({ error: 'not found' }, 404)
  const body = Readable.toWeb(createReadStream(real)) as ReadableStream
  return c.body(body, 200, { 'content-type': type, 'content-length': String(statSync(real).size), 'cache-control': 'public, max-age=300' })
}

const EDITOR_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml', '.woff2': 'font/woff2', '.png': 'image/png', '.map': 'application/json',
}

/** The editor's built files (`npm run build -w @phonetree/editor`), when they exist. */
function editorBuild(): string | undefined {
  const dist = fileURLToPath(new URL('../../editor/dist', import.meta.url))
  return existsSync(join(dist, 'index.html')) ? dist : undefined
}

function statusPage(flows: FlowRegistry): string {
  const escape = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`)
  const rows = flows.list().map((f) => {
    const errors = f.problems.filter((p) => p.severity === 'error').length
    const state = f.version === undefined ? 'invalid' : f.current ? 'serving' : `serving last good version (${errors} error${errors === 1 ? '' : 's'} on disk)`
    return `<tr><td>${escape(f.id)}</td><td><code>POST /voice/${escape(f.id)}</code></td><td>${escape(state)}</td><td>${escape(f.version ?? '')}</td></tr>`
  }).join('')
  return `<!doctype html><meta charset="utf-8"><title>Phonetree</title>
<style>body{font:15px system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse}td,th{padding:.3rem .8rem;border-bottom:1px solid #ddd;text-align:left}</style>
<h1>Phonetree</h1><p>Webhook server running. Point a Twilio number's voice webhook at <code>POST /voice/&lt;flow&gt;</code>.</p>
<table><tr><th>flow</th><th>webhook</th><th>state</th><th>version</th></tr>${rows}</table>
<p><a href="/api/flows">/api/flows</a> · <a href="/api/calls">/api/calls</a> · <a href="/healthz">/healthz</a></p>`
}
