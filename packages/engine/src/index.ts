/**
 * @phonetree/engine: YAML flow → validated Flow → XState machine → pure steps → views → TwiML.
 * Nothing here performs I/O or reads a clock, so it runs the same in the server, in flow tests
 * and in the editor's simulator.
 */
export * from './errors.ts'
export * from './schema/flow.ts'
export * from './schema/edges.ts'
export { flowJsonSchema } from './schema/json-schema.ts'
export { parseSource, locate, nodeAt } from './parse/parse.ts'
export type { SourceDocument, DocPath } from './parse/parse.ts'
export { loadFlow, flowIdFromFile } from './validate/validate.ts'
export type { LoadedFlow } from './validate/validate.ts'
export { templateFields, variablesSet } from './validate/references.ts'
export { renderTemplate, checkTemplate, readPath } from './template/template.ts'
export type { Scope } from './template/template.ts'
export { evaluateCondition } from './condition/condition.ts'
export { isOpen, localParts } from './hours/hours.ts'
export { compileFlow, flowVersion } from './compile/compile.ts'
export type { CompiledFlow } from './compile/compile.ts'
export { flowTransitions, nodeTransitions, transitionName, FAILED, HUNG_UP } from './compile/transitions.ts'
export type { TransitionSpec } from './compile/transitions.ts'
export { start, step, settle } from './step/step.ts'
export type { CallSnapshot, StepResult, Taken, Clock } from './step/step.ts'
export type { CallContext, CallInfo } from './step/context.ts'
export type { CallEvent, CallEventType, DialStatus, Effect, HttpEffect } from './step/events.ts'
export type * from './step/view.ts'
export { renderTwiml, renderApology } from './render/twiml.ts'
export type { TwimlOptions } from './render/twiml.ts'
