import { loadFlow } from '@phonetree/engine'
import type { ValidationAnswer, ValidationRequest } from './validator.ts'

/**
 * One validation, as the worker answers it (also run in the same thread where there is no
 * worker). The answer leaves out the parsed YAML document: the editor reads its own draft, and
 * a document does not survive the copy between threads.
 *
 * @example validate({ seq: 1, text, file: 'flows/support.yaml' }).problems
 */
export function validate({ seq, text, file }: ValidationRequest): ValidationAnswer {
  const loaded = loadFlow(text, file)
  return { seq, text, file, problems: loaded.problems, ok: loaded.ok, ...(loaded.flow !== undefined ? { flow: loaded.flow } : {}) }
}
