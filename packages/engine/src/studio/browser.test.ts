import { build } from 'esbuild'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

// The Studio import and the diagrams run in the editor too: nothing Node-only may be in them.
describe('Studio import and diagrams in a browser', () => {
  it('bundle for the browser platform with no Node built-ins, and convert and draw from the bundle', async () => {
    const result = await build({
      stdin: {
        contents: "export * from './studio/index.ts'\nexport * from './diagram/index.ts'\nexport { loadFlow } from './validate/validate.ts'\n",
        resolveDir: fileURLToPath(new URL('..', import.meta.url)),
        loader: 'ts',
      },
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
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
    type Bundle = typeof import('./index.ts') & typeof import('../diagram/index.ts') & typeof import('../validate/validate.ts')
    const lib = (await import(`data:text/javascript;base64,${Buffer.from(result.outputFiles[0]!.text).toString('base64')}`)) as Bundle
    const read = lib.readStudioFlow({ description: 'Hi', initial_state: 'Trigger', states: [
      { name: 'Trigger', type: 'trigger', transitions: [{ event: 'incomingCall', next: 'hello' }], properties: {} },
      { name: 'hello', type: 'say-play', transitions: [], properties: { say: 'Hello {{trigger.call.From}}' } },
    ] })
    if (!read.ok) throw new Error(read.reason)
    const conversion = lib.convertStudioFlow(read.source)
    const loaded = lib.loadFlow(lib.studioFlowYaml(conversion), 'hi.yaml')
    expect(loaded.ok).toBe(true)
    expect(lib.flowToMermaid(loaded.flow!)).toContain('n_hello("hello · say<br/>Hello {{call.from}}")')
  })
})
