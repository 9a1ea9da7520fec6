import { describe, expect, it } from 'vitest'
import { createLogger } from './log.ts'

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
