/**
 * Twilio Studio import: a Studio flow definition (JSON) → a Phonetree flow, its layout sidecar
 * and the list of what needs a reviewer's eye. Pure: runs in the server, the CLI and the editor.
 */
export { readStudioFlow } from './definition.ts'
export type { StudioDefinition, StudioSource, StudioWidget, StudioTransition, StudioCondition } from './definition.ts'
export { convertStudioFlow } from './convert.ts'
export type { StudioConversion, ConvertOptions, Layout } from './convert.ts'
export type { StudioWarning, Position } from './context.ts'
export { studioFlowYaml } from './yaml.ts'
export type { FlowYamlOptions } from './yaml.ts'
export { flowIdFrom } from './names.ts'
