import type { Flow, FlowProblem } from '@phonetree/engine'

/**
 * Full validation (YAML, schema, graph: the engine's `loadFlow`) of the flow being edited, off
 * the main thread. At 500 nodes it costs ~100 ms in a browser, too much to run on every edit
 * before the canvas may follow, so the canvas follows the text at once (see the draft) and the
 * problems follow when the validation answers.
 */

/** What the editor keeps of a validation: which text it is for, and the engine's verdict. */
export interface Validation {
  /** The text (and file name) validated: problems and flow describe this text, not necessarily the current one. */
  text: string
  file: string
  flow?: Flow
  problems: FlowProblem[]
  ok: boolean
}

export interface ValidationRequest {
  seq: number
  text: string
  file: string
}

export type ValidationAnswer = Validation & { seq: number }

/** Where validations run: a worker in the browser, the same thread in tests. */
export interface ValidationTransport {
  send(request: ValidationRequest): void
  onAnswer(listener: (answer: ValidationAnswer) => void): void
}

export interface Validator {
  /** Asks for the validation of a text; `apply` gets it unless a newer request was made meanwhile. */
  request(text: string, file: string): void
  /** Resolves once nothing is waiting for an answer. */
  settled(): Promise<void>
}

const CACHE_LIMIT = 16

/**
 * A latest-request-wins validator. At most one request is at the transport at a time; while it
 * runs, newer requests replace each other and only the newest is sent next, so a burst of edits
 * costs at most two validations. An answer is applied only when it answers the newest request,
 * so a slow answer for an older text never overwrites a newer one. Recent answers are kept, so
 * undoing back to a validated text shows its problems at once.
 *
 * @example const validator = createValidator(inThread(), (v) => store.setState({ loaded: v }))
 */
export function createValidator(transport: ValidationTransport, apply: (validation: Validation) => void): Validator {
  let latest = 0
  let inFlight = false
  let pending: ValidationRequest | undefined
  let waiters: (() => void)[] = []
  const cache = new Map<string, Validation>()
  const keyOf = (text: string, file: string) => `${file}\u0000${text}`

  const wake = () => {
    if (inFlight || pending !== undefined) return
    const ready = waiters
    waiters = []
    for (const resolve of ready) resolve()
  }
  const send = (request: ValidationRequest) => {
    inFlight = true
    transport.send(request)
  }

  transport.onAnswer((answer) => {
    inFlight = false
    const { seq, ...validation } = answer
    cache.delete(keyOf(validation.text, validation.file))
    cache.set(keyOf(validation.text, validation.file), validation)
    if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value!)
    if (pending !== undefined) {
      send(pending)
      pending = undefined
    }
    if (seq === latest) apply(validation)
    wake()
  })

  return {
    request(text, file) {
      const seq = ++latest
      const known = cache.get(keyOf(text, file))
      if (known !== undefined) {
        // Nothing to wait for: whatever is in flight is for an older text and will be dropped.
        pending = undefined
        apply(known)
        wake()
        return
      }
      const request = { seq, text, file }
      if (inFlight) pending = request
      else send(request)
    },
    settled: () => new Promise<void>((resolve) => {
      waiters.push(resolve)
      wake()
    }),
  }
}
