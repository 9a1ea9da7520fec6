import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { exportCommand } from './export.ts'

function io() {
  const out: string[] = []
  const err: string[] = []
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } }
}

const support = new URL('../../../../flows/support.yaml', import.meta.url).pathname
const dir = mkdtempSync(join(tmpdir(), 'phonetree-export-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('phonetree export', () => {
  it('prints a Mermaid flowchart of a flow to standard output (the default format)', async () => {
    for (const argv of [['--format', 'mermaid', support], [support]]) {
      const run = io()
      expect(await exportCommand(argv, run.io)).toBe(0)
      expect(run.err).toEqual([])
      expect(run.out).toHaveLength(1)
      const lines = run.out[0]!.split('\n')
      expect(lines[0]).toBe('flowchart TD')
      expect(lines).toContain('  n_main_menu -->|"2"| n_account')
    }
  })

  it('prints Graphviz DOT with --format dot', async () => {
    const run = io()
    expect(await exportCommand(['--format', 'dot', support], run.io)).toBe(0)
    expect(run.out[0]).toMatch(/^digraph "support" \{\n/)
    expect(run.out[0]).toContain('"main-menu" -> "account" [label="2"]')
  })

  it('refuses a flow with errors, printing them, and bad usage', async () => {
    const broken = join(dir, 'broken.yaml')
    writeFileSync(broken, 'flow: broken\nstart: a\nnodes:\n  a: { type: say, prompt: Hi, next: b }\n')
    const run = io()
    expect(await exportCommand([broken], run.io)).toBe(1)
    expect(run.out).toEqual([])
    expect(run.err[0]).toBe(`${broken}:4:37: UNKNOWN_TARGET edge "next" of "a" names no node "b"`)
    expect(await exportCommand([join(dir, 'missing.yaml')], io().io)).toBe(1)
    const format = io()
    expect(await exportCommand(['--format', 'svg', support], format.io)).toBe(2)
    expect(format.err[0]).toMatch(/^unknown format "svg"/)
    expect(await exportCommand([], io().io)).toBe(2)
    expect(await exportCommand(['--frob', support], io().io)).toBe(2)
  })
})
