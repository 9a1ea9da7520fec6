import { ensureRedisServer } from './support/redis.ts'

/**
 * Vitest globalSetup: makes sure `redis-server` is installed once, before test files run in
 * parallel, so they don't race each other into apt-get.
 *
 * @example // vitest.config.ts: test: { globalSetup: ['./test/global-setup.ts'] }
 */
export default async function setup(): Promise<void> {
  await ensureRedisServer()
}
