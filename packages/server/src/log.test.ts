import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { batchedStderr, createLogger } from './log.ts'

describe('batchedStderr', () => {
  it('writes the lines of one turn of the event loop in one write, in order', async () => {
    const writes: string[] = []
    const write = batchedStderr({ write: (text) => writes.push(text) })
    write('a\n')
    write('b\n')
    expect(writes).toEqual([])
    await new Promise((resolve) => setImmediate(resolve))
    write('c\n')
    await new Promise((resolve) => setImmediate(resolve))
    expect(writes).toEqual(['a\nb\n', 'c\n'])
  })

  it('writes what is pending when the process exits, even on an uncaught error', () => {
    const script = `
      import { createLogger } from ${JSON.stringify(new URL('./log.ts', import.meta.url).pathname)}
      const log = createLogger()
      log.info('first')
      log.error('last words', { call: 'CA1' })
      throw new Error('boom')
    `
    let stderr = ''
    try {
      execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] })
    } catch (error) {
      stderr = (error as { stderr: string }).stderr
    }
    const lines = stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(lines.map((l) => l.message)).toEqual(['first', 'last words'])
    expect(lines[1]!.call).toBe('CA1')
  })
})

describe('createLogger', () => {
  it('writes one JSON object per line with time, level, message and fields', () => {
    const lines: string[] = []
    createLogger((line) => lines.push(line)).warn('slow answer', { ms: 900 })
    expect(lines).toHaveLength(1)
    expect(lines[0]!.endsWith('\n')).toBe(true)
    const entry = JSON.parse(lines[0]!) as Record<string, unknown>
    expect(entry).toMatchObject({ level: 'warn', message: 'slow answer', ms: 900 })
    expect(new Date(entry.time as string).getTime()).not.toBeNaN()
  })
})
