/**
 * @phonetree/server: the webhook server, call stores and command line around the engine.
 */
export { createApp } from './app.ts'
export type { AppDeps } from './app.ts'
export { readConfig, checkProductionConfig } from './config.ts'
export type { Config } from './config.ts'
export { startServer } from './adapter/node.ts'
export type { RunningServer } from './adapter/node.ts'
export { CallService } from './calls/service.ts'
export { FlowRegistry } from './flows/registry.ts'
export { openStore } from './store/open.ts'
export type { CallStore, CallRecord, CallStepRecord, CallSummary } from './store/types.ts'
export { SimulatedCall, fetchTransport } from './twilio/simulator.ts'
export type { Turn, Transport } from './twilio/simulator.ts'
export { runTestFiles, runTestFile } from './flowtest/files.ts'
export { createLogger } from './log.ts'
