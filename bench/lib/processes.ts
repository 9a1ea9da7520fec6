import { spawn } from 'node:child_process'
import type { ChildProcess, StdioOptions } from 'node:child_process'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'

/** The repository root; servers and the CLI run from here, as after `npm install`. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url))
export const PHONETREE_BIN = fileURLToPath(new URL('../../packages/server/bin/phonetree.js', import.meta.url))

/** Every child still running; killed when this process exits, whatever happened. */
const running = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL')
})

/**
 * Spawns a child that is killed if this process exits first.
 *
 * @example const child = track(process.execPath, ['--import', 'tsx', 'bench/webhook/bare-server.ts'], { env })
 */
export function launch(command: string, args: readonly string[], options: { env: Record<string, string>; stdio?: StdioOptions; cwd?: string; detached?: boolean }): ChildProcess {
  const child = spawn(command, [...args], { cwd: options.cwd ?? ROOT, env: options.env, stdio: options.stdio ?? ['ignore', 'ignore', 'ignore'], detached: options.detached ?? false })
  running.add(child)
  child.once('exit', () => running.delete(child))
  return child
}

/** Sends a signal and waits until the child is gone (SIGKILL after 5 s). */
export function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
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

/**
 * The environment without the variables that configure Phonetree, so a developer's shell (a
 * PUBLIC_URL, a token, a Redis store) cannot leak into a benchmark.
 */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || /^(PHONETREE_|TWILIO_)/.test(key)) continue
    if (['PORT', 'HOST', 'PUBLIC_URL', 'FLOWS_DIR', 'NODE_ENV', 'NODE_OPTIONS'].includes(key)) continue
    env[key] = value
  }
  return { ...env, ...extra }
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

/**
 * Polls `probe` every `everyMs` until it returns true, for at most `timeoutMs`; false on timeout
 * or when `gone()` says the process being waited for has exited.
 */
export async function waitUntil(probe: () => Promise<boolean>, options: { timeoutMs: number; everyMs: number; gone?: () => boolean }): Promise<boolean> {
  const deadline = Date.now() + options.timeoutMs
  while (Date.now() < deadline) {
    if (options.gone?.()) return false
    if (await probe().catch(() => false)) return true
    await new Promise((resolve) => setTimeout(resolve, options.everyMs))
  }
  return false
}
