/** Structured logs: one JSON object per line, so log tools can filter by call, flow and step. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
}

/**
 * A logger writing JSON lines to a stream (standard error by default).
 *
 * @example createLogger().info('webhook', { call: 'CA1', step: 2, node: 'main-menu', ms: 3 })
 */
export function createLogger(write: (line: string) => void = (line) => process.stderr.write(line)): Logger {
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
