/**
 * A Redis the harness can take away and give back with its data: append-only file, fsync on
 * every write, the same port and folder on every start. (The shared `startRedis` restarts
 * empty, which would turn an outage into data loss and hide whether calls resume.)
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ensureRedisServer, pings } from '../../support/redis.ts'
import { freePort } from '../../support/server-process.ts'

export interface DurableRedis {
  url: string
  /** Stops the server (SIGTERM: it flushes and exits); `start` brings it back with its data. */
  stop(): Promise<void>
  start(): Promise<void>
  /** SIGSTOP: the server keeps its connections open but answers nothing (a hang, no reset). */
  freeze(): void
  /** SIGCONT after `freeze`. */
  thaw(): void
  /** Stops it for good and deletes its files. */
  close(): Promise<void>
}

/**
 * @example const redis = await startDurableRedis(); await redis.stop(); await redis.start()
 */
export async function startDurableRedis(): Promise<DurableRedis> {
  const bin = await ensureRedisServer()
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'phonetree-redis-durable-'))
  let child: ChildProcess | undefined
  const start = async (): Promise<void> => {
    const started = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', ''], { stdio: 'ignore' })
    child = started
    const onExit = (): void => void started.kill('SIGKILL')
    process.once('exit', onExit)
    started.once('exit', () => process.off('exit', onExit))
    const deadline = Date.now() + 10_000
    while (!(await pings(port))) {
      if (Date.now() > deadline || started.exitCode !== null) throw new Error(`redis-server did not start on port ${port}`)
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
  }
  const stop = async (): Promise<void> => {
    const running = child
    child = undefined
    if (running === undefined || running.exitCode !== null || running.signalCode !== null) return
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve())
      running.kill('SIGCONT')
      running.kill('SIGTERM')
    })
  }
  await start()
  return {
    url: `redis://127.0.0.1:${port}`,
    stop,
    start,
    freeze: () => void child?.kill('SIGSTOP'),
    thaw: () => void child?.kill('SIGCONT'),
    close: async () => {
      await stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
