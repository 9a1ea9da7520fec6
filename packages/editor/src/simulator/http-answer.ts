import type { HttpMock } from '@phonetree/engine'

/**
 * The answer the designer typed for an http request: a status and a body that is JSON when
 * it parses (as a real API's JSON answer would), else text; or what is wrong with it.
 *
 * @example answerOf('200', '{"tier":"gold"}') // { ok: true, answer: { status: 200, body: { tier: 'gold' } } }
 */
export function answerOf(status: string, body: string): { ok: true; answer: HttpMock; text: boolean } | { ok: false; error: string } {
  const code = Number(status)
  if (!Number.isInteger(code) || code < 100 || code > 599) return { ok: false, error: 'a status from 100 to 599' }
  if (body.trim() === '') return { ok: true, answer: { status: code }, text: false }
  try {
    return { ok: true, answer: { status: code, body: JSON.parse(body) as unknown }, text: false }
  } catch {
    return { ok: true, answer: { status: code, body }, text: true }
  }
}

/** How a remembered answer fills the form again. */
export function formOf(answer: HttpMock | undefined): { status: string; body: string } {
  if (answer === undefined || 'error' in answer) return { status: '200', body: '' }
  const body = answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body, null, 2)
  return { status: String(answer.status), body }
}

/** A request body for reading: pretty JSON when it is JSON. */
export function prettyBody(body: string | undefined): string | undefined {
  if (body === undefined) return undefined
  try {
    return JSON.stringify(JSON.parse(body), null, 2)
  } catch {
    return body
  }
}

/** The message a timed-out request fails with, as the server words it. */
export function timeoutMessage(timeoutMs: number): string {
  return `timed out after ${timeoutMs} ms`
}
