import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { ensureRedisServer } from './support/redis.ts'
import { ensureChromium } from './support/chromium.ts'

/**
 * Vitest globalSetup: installs what the tests need once, before test files run in parallel
 * (so they don't race each other into apt-get), and builds the editor when its sources changed.
 *
 * @example // vitest.config.ts: test: { globalSetup: ['./test/global-setup.ts'] }
 */
export default async function setup(): Promise<void> {
  await ensureRedisServer()
  await ensureChromium()
  execFileSync(process.execPath, [fileURLToPath(new URL('../packages/editor/scripts/build-if-stale.mjs', import.meta.url))], { stdio: 'inherit' })
}
