import { validate } from './validate.ts'
import type { ValidationAnswer, ValidationRequest } from './validator.ts'

// The validation worker's entry: one answer per request, in order.
const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<ValidationRequest>) => void) | null
  postMessage(answer: ValidationAnswer): void
}

scope.onmessage = (event) => scope.postMessage(validate(event.data))
