import { build } from 'esbuild'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

// The engine runs in the editor, so it must bundle for browsers with nothing Node-only in it.
describe('the engine in a browser', () => {
  it('bundles for the browser platform with no Node built-ins, and runs a call from the bundle', async () => {
    const entry = fileURLToPath(new URL('./index.ts', import.meta.url))
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
      metafile: true,
      // A Node built-in would fail to resolve on the browser platform; list them to be explicit.
      plugins: [{
        name: 'no-node-builtins',
        setup(b) {
          b.onResolve({ filter: /^node:|^(fs|path|crypto|os|child_process|net|http|https|stream|buffer|url|util|process)$/ }, (args) => ({
            errors: [{ text: `Node-only import "${args.path}" from ${args.importer}` }],
          }))
        },
      }],
    })
    expect(result.errors).toEqual([])
    const code = result.outputFiles[0]!.text
    expect(code).not.toMatch(/\brequire\(["'](node:)?(fs|path|crypto)["']\)/)
    const engine = (await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`)) as typeof import('./index.ts')
    const flow = engine.compileFlow(engine.loadFlow('flow: t\nstart: a\nnodes:\n  a: { type: hangup, prompt: Hi. }\n', 't.yaml'))
    expect(engine.renderTwiml(engine.start(flow, {}, 0).view, { actionUrl: '/x' })).toBe('<?xml version="1.0" encoding="UTF-8"?><Response><Say>Hi.</Say><Hangup/></Response>')
  })
})
