import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { createConnection, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ensureDebianProgram } from './debian.ts'

export interface RedisServer {
  /** `redis://127.0.0.1:<port>`; stays the same across `restart()`. */
  url: string
  /** Stops the server (it can be started again with `restart`). */
  stop(): Promise<void>
  /** Stops the server if it runs, then starts a fresh, empty one on the same port. */
  restart(): Promise<void>
}


/**
 * Starts a throwaway `redis-server` on a free loopback port, without persistence, and waits
 * until it answers PING. Installs Redis first when missing (as root).
 *
 * @example const redis = await startRedis(); const store = createRedisStore(redis.url); … await redis.stop()
 */
export async function startRedis(): Promise<RedisServer> {
  const bin = await ensureRedisServer()
  const port = await freePort()
  let running: { child: ChildProcess; dir: string } | undefined = await launch(bin, port)

  const stop = async (): Promise<void> => {
    if (running === undefined) return
    const { child, dir } = running
    running = undefined
    await kill(child)
    await rm(dir, { recursive: true, force: true })
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    stop,
    restart: async () => {
      await stop()
      running = await launch(bin, port)
    },
  }
}

/**
 * The path of `redis-server`, installing it with apt-get when missing and running as root;
 * otherwise an error telling how to install it.
 *
 * @example await ensureRedisServer() // '/usr/bin/redis-server'
 */
export function ensureRedisServer(): Promise<string> {
  return ensureDebianProgram('redis-server', 'redis-server', 'Redis')
}

async function launch(bin: string, port: number): Promise<{ child: ChildProcess; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'phonetree-redis-'))
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir]
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-2000)))
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-2000)))
  // A test file that crashes must not leave servers behind.
  const onExit = (): void => void child.kill('SIGKILL')
  process.once('exit', onExit)
  child.once('exit', () => process.off('exit', onExit))
  try {
    await waitForPong(port, child)
  } catch (error) {
    await kill(child)
    await rm(dir, { recursive: true, force: true })
    throw new Error(`redis-server did not start on port ${port}: ${(error as Error).message}\n${output}`)
  }
  return { child, dir }
}

async function waitForPong(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`it exited with code ${child.exitCode}`)
    if (await pings(port)) return
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new Error('no PONG within 10 s')
}

/**
 * One PING over a raw socket: the support code needs no Redis client.
 *
 * @example while (!(await pings(port))) await sleep(20)
 */
export function pings(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port })
    const done = (ok: boolean): void => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(500, () => done(false))
    socket.once('error', () => done(false))
    socket.once('connect', () => socket.write('PING\r\n'))
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')))
  })
}

function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
  })
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}


