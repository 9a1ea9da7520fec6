import { chromium } from 'playwright-core'
import type { Browser } from 'playwright-core'
import { ensureDebianProgram } from './debian.ts'

/**
 * Launches Debian's headless Chromium through playwright-core (which cannot download its own
 * browsers here), installing the `chromium` package first when it is missing.
 *
 * @example const browser = await launchChromium(); const page = await browser.newPage()
 */
export async function launchChromium(): Promise<Browser> {
  const executablePath = await ensureChromium()
  return chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
  })
}

export function ensureChromium(): Promise<string> {
  return ensureDebianProgram('chromium', 'chromium', 'Chromium')
}
