/**
 * `node --import tsx --import ./bench/prototypes/register.ts …`: runs the process with the
 * engine's step, the memory store and the webhook body reader swapped for the prototypes of the
 * proposed fixes (./step.ts, ./memory-store.ts, ./webhook.ts), so the webhook benchmark can measure the whole server before and after
 * without editing the engine or the server.
 */
import { register } from 'node:module'

register('./hooks.ts', import.meta.url)
