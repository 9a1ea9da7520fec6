/**
 * Misbehaving back ends and a flow that calls each of them, for "slow and failing back ends":
 * a server that hangs, resets the connection, answers 500, answers malformed JSON, trickles its
 * body, answers 2 MB, or answers slowly but well. Shared by the vitest file and the soak.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startLoopbackBackEnd, NO_FAILURES } from './backend.ts'
import type { LoopbackBackEnd, SpecialRoute } from './backend.ts'

/** Menu key → what the back end behind it does, the node the call must end on, and the http node's timeout (s). */
export const PROBES = {
  hang: { key: '1', ends: 'fallback', timeout: 2 },
  reset: { key: '2', ends: 'fallback', timeout: 2 },
  fail: { key: '3', ends: 'fallback', timeout: 2 },
  malformed: { key: '4', ends: 'fallback', timeout: 2 },
  trickle: { key: '5', ends: 'fallback', timeout: 2 },
  huge: { key: '6', ends: 'fallback', timeout: 2 },
  'slow-ok': { key: '7', ends: 'done', timeout: 3 },
  chain: { key: '8', ends: 'fallback', timeout: 10 },
} as const

export type ProbeName = keyof typeof PROBES

/** The back end: one misbehaviour per path, every hanging socket ended by `close()`. */
export async function startMisbehavingBackEnd(): Promise<LoopbackBackEnd> {
  const timers = new Set<NodeJS.Timeout>()
  const routes: Record<string, SpecialRoute> = {
    '/hang': () => undefined,
    '/reset': (req) => void req.socket.destroy(),
    '/fail': (_req, res) => void res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"boom"}'),
    '/malformed': (_req, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end('{"tier": "gold",'),
    '/trickle': (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.write('{"tier":"')
      // One byte every 100 ms, for ever: only the node's timeout can end it.
      const timer = setInterval(() => res.write('g'), 100)
      timers.add(timer)
      req.socket.once('close', () => {
        clearInterval(timer)
        timers.delete(timer)
      })
    },
    '/huge': (_req, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ pad: 'x'.repeat(2 * 1024 * 1024) })),
    '/slow-ok': (_req, res) => {
      const timer = setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"tier":"gold"}'), 1000)
      timers.add(timer)
    },
  }
  const backEnd = await startLoopbackBackEnd(NO_FAILURES, routes)
  return {
    ...backEnd,
    close: async () => {
      for (const timer of timers) clearTimeout(timer)
      await backEnd.close()
    },
  }
}

/**
 * Writes `probe.yaml`: a menu whose keys lead to an http node calling each misbehaving path;
 * `chain` is two 10 s requests in a row that both hang, so only the webhook's answer budget
 * stops them.
 */
export function writeProbeFlow(dir: string, backEndUrl: string): void {
  mkdirSync(dir, { recursive: true })
  const http = (name: string, path: string, timeout: number, next: string, onError: string) =>
    `  ${name}:\n    type: http\n    url: "${backEndUrl}${path}"\n    timeout: ${timeout}\n    saveAs: answer\n    next: ${next}\n    onError: ${onError}\n`
  const nodes = [
    '  pick:\n    type: menu\n    prompt: Pick a back end.\n    choices:\n' +
      Object.entries(PROBES).map(([name, p]) => `      "${p.key}": ${name === 'chain' ? 'chain-1' : name}\n`).join('') +
      '    maxNoInput: 1\n    maxNoMatch: 1\n    onFailure: done\n',
    ...(['hang', 'reset', 'fail', 'malformed', 'trickle', 'huge', 'slow-ok'] as const).map((name) => http(name, `/${name}`, PROBES[name].timeout, 'done', 'fallback')),
    http('chain-1', '/hang', 10, 'chain-2', 'chain-2'),
    http('chain-2', '/hang', 10, 'done', 'fallback'),
    '  done:\n    type: hangup\n    prompt: Done.\n',
    '  fallback:\n    type: hangup\n    prompt: "The back end failed: {{ flow.error }}"\n',
    '  flow-error:\n    type: hangup\n    prompt: Flow error.\n',
  ]
  writeFileSync(join(dir, 'probe.yaml'), `flow: probe\nstart: pick\nonError: flow-error\nnodes:\n${nodes.join('')}`)
}
