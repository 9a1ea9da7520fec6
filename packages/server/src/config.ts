/** Server settings, read once from the environment (FLOW-FORMAT.md §4). */
export interface Config {
  port: number
  /** Host to listen on; loopback unless HOST says otherwise. */
  host: string
  /** The base URL Twilio calls (no trailing slash), used for signatures and absolute URLs. */
  publicUrl?: string
  /** When set, unsigned or forged webhooks get 403. */
  authToken?: string
  /** `memory`, `redis://…`, a `.db` path, or empty for the embedded SQLite file. */
  store?: string
  flowsDir: string
  production: boolean
  /** Largest webhook or API body accepted, in bytes. */
  maxBodyBytes: number
  /** Days to keep call history. */
  retentionDays: number
  /** Hosts http nodes may call; empty means any. */
  httpAllow: string[]
  /** Numbers outbound calls may dial outside production; `*` allows any. */
  dialAllow: string[]
  /** Needed by /api/… when the server listens beyond loopback. */
  apiToken?: string
  twilioAccountSid?: string
  /** Caller id for outbound calls. */
  twilioFrom?: string
}

/**
 * Reads the configuration from environment variables, with the documented defaults.
 *
 * @example readConfig({ PORT: '8080', FLOWS_DIR: 'flows' }).port // 8080
 */
export function readConfig(env: Record<string, string | undefined> = process.env): Config {
  const list = (value: string | undefined) => (value ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '')
  const optional = (value: string | undefined) => (value !== undefined && value.trim() !== '' ? value.trim() : undefined)
  const port = Number(env.PORT ?? 3000)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, not "${env.PORT}"`)
  const publicUrl = optional(env.PUBLIC_URL)?.replace(/\/+$/, '')
  if (publicUrl !== undefined && !/^https?:\/\/[^/]+/.test(publicUrl)) throw new Error(`PUBLIC_URL must be an http(s) URL, not "${publicUrl}"`)
  const positive = (name: string, fallback: number) => {
    const value = env[name] === undefined || env[name] === '' ? fallback : Number(env[name])
    if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive whole number, not "${env[name]}"`)
    return value
  }
  const config: Config = {
    port,
    host: optional(env.HOST) ?? '127.0.0.1',
    flowsDir: optional(env.FLOWS_DIR) ?? 'flows',
    production: env.NODE_ENV === 'production',
    maxBodyBytes: positive('PHONETREE_MAX_BODY', 64 * 1024),
    retentionDays: positive('PHONETREE_RETENTION_DAYS', 14),
    httpAllow: list(env.PHONETREE_HTTP_ALLOW),
    dialAllow: list(env.PHONETREE_DIAL_ALLOW),
  }
  const extras = {
    publicUrl,
    authToken: optional(env.TWILIO_AUTH_TOKEN),
    store: optional(env.PHONETREE_STORE),
    apiToken: optional(env.PHONETREE_API_TOKEN),
    twilioAccountSid: optional(env.TWILIO_ACCOUNT_SID),
    twilioFrom: optional(env.TWILIO_FROM),
  }
  for (const [key, value] of Object.entries(extras)) if (value !== undefined) Object.assign(config, { [key]: value })
  return config
}

/**
 * Refuses settings that would be unsafe with real callers: production without a Twilio auth
 * token would accept forged webhooks.
 */
export function checkProductionConfig(config: Config): string[] {
  const problems: string[] = []
  if (config.production && config.authToken === undefined) problems.push('NODE_ENV=production needs TWILIO_AUTH_TOKEN so that forged webhooks are refused')
  if (config.production && config.publicUrl === undefined) problems.push('NODE_ENV=production needs PUBLIC_URL (the URL Twilio calls) to check signatures')
  return problems
}
