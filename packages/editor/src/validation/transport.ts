import { validate } from './validate.ts'
import type { ValidationAnswer, ValidationTransport } from './validator.ts'

/**
 * Validations in a Web Worker (one for the page), so the page never waits for them.
 *
 * @example createValidator(workerTransport(), apply)
 */
export function workerTransport(): ValidationTransport {
  const worker = new Worker(new URL('./validate-worker.ts', import.meta.url), { type: 'module', name: 'flow-validation' })
  return {
    send: (request) => worker.postMessage(request),
    onAnswer: (listener) => worker.addEventListener('message', (event: MessageEvent<ValidationAnswer>) => listener(event.data)),
  }
}

/**
 * Validations in this thread, answered on a later task as a worker would (tests in Node, and
 * browsers without module workers).
 *
 * @example createValidator(inThreadTransport(), apply)
 */
export function inThreadTransport(): ValidationTransport {
  let listener: ((answer: ValidationAnswer) => void) | undefined
  return {
    send: (request) => void setTimeout(() => listener?.(validate(request)), 0),
    onAnswer: (l) => {
      listener = l
    },
  }
}

/** The worker where there is one, else this thread. */
export function defaultTransport(): ValidationTransport {
  return typeof Worker === 'function' ? workerTransport() : inThreadTransport()
}
