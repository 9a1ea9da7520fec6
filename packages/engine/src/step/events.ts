/**
 * What happened on the call since the last answer, in provider-neutral terms. The server
 * turns a webhook into one of these; tests and the editor's simulator make them directly.
 */
export type DialStatus = 'completed' | 'answered' | 'busy' | 'no-answer' | 'failed' | 'canceled'

export type CallEvent =
  /** Keys the caller pressed (without the finishing key). An empty string is a bare finishing key. */
  | { type: 'DIGITS'; digits: string }
  /** What the caller said, as recognised by the provider. */
  | { type: 'SPEECH'; speech: string; confidence?: number }
  /** The caller stayed silent until the timeout. */
  | { type: 'NO_INPUT' }
  /** The dialled call ended. */
  | { type: 'DIAL_RESULT'; status: DialStatus; duration?: number }
  /** A recording finished; no `url` when the provider kept nothing (silence). */
  | { type: 'RECORDING'; url?: string; duration?: number; transcript?: string }
  /** The caller left the queue (`bridged`, `hangup`, `leave`, `redirected`, `error`, …). */
  | { type: 'QUEUE_RESULT'; result: string }
  /** The answer to an http effect: status and parsed body (JSON value or text). */
  | { type: 'HTTP_RESULT'; status: number; body?: unknown }
  /** An http effect failed before a usable answer: timeout, network error, malformed JSON. */
  | { type: 'HTTP_ERROR'; message: string }
  /** The caller hung up. */
  | { type: 'HANGUP' }
  /** Something failed while serving the call; the flow's `onError` takes over. */
  | { type: 'ERROR'; message: string }

export type CallEventType = CallEvent['type']

/** Dial statuses that mean the dialled party answered. */
export const ANSWERED: ReadonlySet<string> = new Set(['completed', 'answered'])

/** An http request the server must perform; its outcome comes back as HTTP_RESULT or HTTP_ERROR. */
export interface HttpEffect {
  type: 'http'
  /** The http node that asked for it. */
  node: string
  /** Unique per call: the call's step number and the node, for de-duplicating retries. */
  key: string
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  url: string
  headers: Record<string, string>
  body?: string
  /** Milliseconds before the request counts as failed. */
  timeoutMs: number
}

export type Effect = HttpEffect
