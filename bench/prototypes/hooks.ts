/**
 * Module resolve hook for the webhook benchmark's "prototype" server: imports of the modules
 * the proposed fixes would change resolve to their prototypes instead, except the imports made
 * by the prototype files themselves (which need the originals). Registered by ./register.ts.
 */
const SWAPS: Array<[string, string]> = [
  ['/packages/engine/src/step/step.ts', new URL('./patched-step.ts', import.meta.url).href],
  ['/packages/server/src/store/memory.ts', new URL('./memory-store.ts', import.meta.url).href],
  ['/packages/server/src/twilio/webhook.ts', new URL('./webhook.ts', import.meta.url).href],
]
const PROTOTYPES = new URL('./', import.meta.url).href

interface ResolveContext {
  parentURL?: string
}
interface ResolveResult {
  url: string
  format?: string | null
  shortCircuit?: boolean
}

export async function resolve(specifier: string, context: ResolveContext, next: (specifier: string, context: ResolveContext) => Promise<ResolveResult>): Promise<ResolveResult> {
  const resolved = await next(specifier, context)
  const fromPrototype = context.parentURL?.startsWith(PROTOTYPES) ?? false
  const swap = fromPrototype ? undefined : SWAPS.find(([original]) => resolved.url.endsWith(original))
  return swap === undefined ? resolved : { ...resolved, url: swap[1] }
}
