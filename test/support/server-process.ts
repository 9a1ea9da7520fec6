import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { createServer } from 'node:http'
import type { IncomingMessage, Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'

/** The repository root: the server and the CLI run from here, as after `npm install`. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url))
/** The `phonetree` command (`npx phonetree` runs this file). */
export const PHONETREE_BIN = fileURLToPath(new URL('../../packages/server/bin/phonetree.js', import.meta.url))

/** Every child still running; killed when the test process exits, whatever happened. */
const running = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL')
})

function track(child: ChildProcess): ChildProcess {
  running.add(child)
  child.once('exit', () => running.delete(child))
  return child
}

/** Kills every server and CLI process these helpers started and that still runs. */
export async function killAll(): Promise<void> {
  await Promise.all([...running].map((child) => stopChild(child, 'SIGKILL')))
}

/**
 * The parent's environment without the variables that configure Phonetree, so a developer's
 * shell (a PUBLIC_URL, a token, a Redis store) cannot leak into a test.
 */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || /^(PHONETREE_|TWILIO_)/.test(key)) continue
    if (['PORT', 'HOST', 'PUBLIC_URL', 'FLOWS_DIR', 'NODE_ENV', 'NO_COLOR', 'NODE_OPTIONS'].includes(key)) continue
    env[key] = value
  }
  return { ...env, ...extra }
}

export interface ServerProcess {
  readonly port: number
  /** `http://127.0.0.1:<port>` */
  readonly url: string
  /** The server's JSON log lines (standard error), from every run, in order. */
  readonly logs: Array<Record<string, unknown>>
  /** The last few kB of the server's output, for failure messages. */
  output(): string
  /** Sends a signal and waits until the process is gone (SIGKILL: no cleanup at all). */
  kill(signal?: NodeJS.Signals): Promise<void>
  /** Starts the server again with the same port and environment. */
  restart(): Promise<void>
}

/**
 * Runs `phonetree serve --port <port>` the way `npm start` does, and waits until GET /healthz
 * answers 200.
 *
 * @example const server = await startServerProcess({ env: { PHONETREE_STORE: db, FLOWS_DIR: dir } })
 */
export async function startServerProcess(options: { env: Record<string, string>; port?: number }): Promise<ServerProcess> {
  const port = options.port ?? (await freePort())
  const url = `http://127.0.0.1:${port}`
  const logs: Array<Record<string, unknown>> = []
  let output = ''
  let child: ChildProcess | undefined

  const launch = async () => {
    const started = track(spawn(process.execPath, [PHONETREE_BIN, 'serve', '--port', String(port)], {
      cwd: ROOT,
      env: cleanEnv(options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    }))
    child = started
    let partial = ''
    started.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-8000)))
    started.stderr?.on('data', (chunk: Buffer) => {
      const text = chunk.toString()
      output = (output + text).slice(-8000)
      partial += text
      const lines = partial.split('\n')
      partial = lines.pop() ?? ''
      for (const line of lines) {
        try {
          logs.push(JSON.parse(line) as Record<string, unknown>)
        } catch {
          // not a log line (a stack trace, a warning from Node)
        }
      }
    })
    await waitForHealth(url, started, () => output)
  }

  await launch()
  return {
    port,
    url,
    logs,
    output: () => output,
    kill: async (signal = 'SIGTERM') => {
      if (child !== undefined) await stopChild(child, signal)
    },
    restart: async () => {
      if (child !== undefined) await stopChild(child, 'SIGTERM')
      await launch()
    },
  }
}

async function waitForHealth(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 20_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`phonetree serve exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${output()}`)
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) })
      if (response.status === 200) return
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  await stopChild(child, 'SIGKILL')
  throw new Error(`phonetree serve did not answer GET /healthz within 20 s:\n${output()}`)
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5000)
    child.once('exit', () => {
      clearTimeout(force)
      resolve()
    })
    child.kill(signal)
  })
}

export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
  /** Standard output, line by line. */
  lines: string[]
}

/**
 * Runs `phonetree <args…>` as its own process, standard input closed (or fed `input`), and
 * collects what it prints. Killed after `timeoutMs`.
 *
 * @example const result = await runCli(['call', `${server.url}/voice/verify`, '--press', 'silence'], { env })
 */
export function runCli(args: readonly string[], options: { env?: Record<string, string>; input?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return driveCli(args, { ...options, answer: () => undefined, input: options.input ?? '' })
}

/** A prompt the interactive caller printed, and everything printed before it. */
export interface Screen {
  /** Standard output so far, line by line, the prompt last. */
  lines: string[]
  /** What the call waits for, read from the prompt. */
  waiting: 'gather' | 'dial' | 'record' | 'enqueue'
}

const PROMPT_KINDS: Array<[RegExp, Screen['waiting']]> = [
  [/^keys \(.*>$/, 'gather'],
  [/^dial outcome \(.*>$/, 'dial'],
  [/^recording \(.*>$/, 'record'],
  [/^queue result \(.*>$/, 'enqueue'],
]

/**
 * Runs `phonetree <args…>` and plays the caller at its prompts: `answer` sees the screen at each
 * prompt and returns the line to type, or undefined to close standard input (the caller hangs
 * up). With `input`, that text is typed at once and standard input closed instead.
 *
 * @example await driveCli(['call', url], { env, answer: (s) => (s.waiting === 'dial' ? 'busy' : undefined) })
 */
export function driveCli(
  args: readonly string[],
  options: { env?: Record<string, string>; input?: string; timeoutMs?: number; answer: (screen: Screen) => string | undefined },
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = track(spawn(process.execPath, [PHONETREE_BIN, ...args], { cwd: ROOT, env: cleanEnv(options.env), stdio: ['pipe', 'pipe', 'pipe'] }))
    let stdout = ''
    let stderr = ''
    let partial = ''
    const lines: string[] = []
    let answers = 0
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`phonetree ${args.join(' ')} did not finish within ${options.timeoutMs ?? 30_000} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`))
    }, options.timeoutMs ?? 30_000)
    if (options.input !== undefined) child.stdin?.end(options.input)
    child.stdin?.on('error', () => undefined) // the CLI may exit before reading everything
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      partial += chunk.toString()
      const complete = partial.split('\n')
      partial = complete.pop() ?? ''
      for (const line of complete) {
        lines.push(line)
        const kind = PROMPT_KINDS.find(([pattern]) => pattern.test(line))?.[1]
        if (kind === undefined || options.input !== undefined) continue
        // A runaway conversation ends: 30 answers is far more than any example flow needs.
        const typed = ++answers > 30 ? undefined : options.answer({ lines: [...lines], waiting: kind })
        if (typed === undefined) child.stdin?.end()
        else child.stdin?.write(`${typed}\n`)
      }
    })
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.once('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.once('close', (code) => {
      clearTimeout(timer)
      if (partial !== '') lines.push(partial)
      resolve({ code, stdout, stderr, lines })
    })
  })
}

export interface BackEndRequest {
  method: string
  /** Path and query, e.g. `/crm/accounts/123456`. */
  path: string
  body: string
}

export interface BackEnd {
  /** `http://127.0.0.1:<port>` */
  url: string
  requests: BackEndRequest[]
  close(): Promise<void>
}

/**
 * A stand-in for the HTTP services flows call, on a loopback port: answers
 * `"METHOD /path?query"` from `routes` with JSON (404 otherwise) and records every request.
 *
 * @example const crm = await startBackEnd({ 'GET /crm/accounts/123456': { status: 200, body: { tier: 'gold' } } })
 */
export async function startBackEnd(routes: Record<string, { status: number; body?: unknown }>): Promise<BackEnd> {
  const requests: BackEndRequest[] = []
  const server: Server = createServer((req: IncomingMessage, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => (body += chunk.toString()))
    req.on('end', () => {
      const path = req.url ?? '/'
      requests.push({ method: req.method ?? 'GET', path, body })
      const route = routes[`${req.method} ${path}`]
      if (route === undefined) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}')
      res.writeHead(route.status, { 'content-type': 'application/json' }).end(route.body === undefined ? '' : JSON.stringify(route.body))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    }),
  }
}

/** A loopback port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo
      probe.close(() => resolve(port))
    })
  })
}
