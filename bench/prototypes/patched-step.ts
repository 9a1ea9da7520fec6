/**
 * The engine's step module with `start` and `step` replaced by the prototypes in ./step.ts.
 * Only bench/prototypes/hooks.ts points the package at this file, for the "prototype" server
 * of the webhook benchmark; nothing else imports it.
 */
export * from '../../packages/engine/src/step/step.ts'
export { fastStart as start, fastStep as step } from './step.ts'
