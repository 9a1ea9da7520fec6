/** Structured logs: one JSON object per line, so log tools can filter by call, flow and step. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
}

/**
 * A logger writing JSON lines to a stream (standard error by default, see `batchedStderr`).
 *
 * @example createLogger().info('webhook', { call: 'CA1', step: 2, node: 'main-menu', ms: 3 })
 */
export function createLogger(write: (line: string) => void = sharedStderr()): Logger {
  const emit = (level: string) => (message: string, fields: Record<string, unknown> = {}) =>
    write(`${JSON.stringify({ time: new Date().toISOString(), level, message, ...fields })}\n`)
  return { info: emit('info'), warn: emit('warn'), error: emit('error') }
}

/** A logger that keeps lines in memory, for tests that assert on what was logged. */
export function memoryLogger(): Logger & { lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = []
  const logger = createLogger((line) => lines.push(JSON.parse(line) as Record<string, unknown>))
  return Object.assign(logger, { lines })
}

/**
 * Writes to standard error once per turn of the event loop instead of once per line: under
 * load every webhook logs a line, and one system call per line was a twentieth of a webhook's
 * CPU. Lines still pending when the process exits (normally or on an uncaught error) are
 * written on the way out; only a SIGKILL can lose the lines of the current turn.
 *
 * @example createLogger(batchedStderr())
 */
export function batchedStderr(out: { write(text: string): unknown } = process.stderr): (line: string) => void {
  let pending: string[] = []
  const flush = () => {
    if (pending.length === 0) return
    const text = pending.join('')
    pending = []
    out.write(text)
  }
  process.on('exit', flush)
  return (line) => {
    if (pending.push(line) === 1) setImmediate(flush)
  }
}

let stderrWriter: ((line: string) => void) | undefined

/** One batch for every logger of the process, so lines keep their order and one exit hook serves all. */
function sharedStderr(): (line: string) => void {
  return (stderrWriter ??= batchedStderr())
}
