import { randomBytes } from 'node:crypto'
import twilio from 'twilio'
import type { Config } from '../config.ts'
import type { CallStore } from '../store/types.ts'
import type { FlowRegistry } from '../flows/registry.ts'

export interface DialRequest {
  flow: string
  to: string
  vars?: Record<string, unknown>
}

export interface Dialer {
  /** Places an outbound call that runs `flow`; resolves to Twilio's CallSid. */
  place(request: DialRequest): Promise<{ sid: string }>
}

/** A refusal to dial, with the HTTP status an API caller should see. */
export class DialError extends Error {
  constructor(message: string, readonly status: 400 | 403 | 404 | 503) {
    super(message)
  }
}

type TwilioClient = ReturnType<typeof twilio>

const E164 = /^\+[1-9][0-9]{6,14}$/

/**
 * Places outbound calls through the official `twilio` client, with answering-machine detection
 * so flows can read `call.answeredBy`. Outside production only numbers on PHONETREE_DIAL_ALLOW
 * may be called: a test that dials anything else fails loudly and never reaches Twilio.
 *
 * @example await twilioDialer(config, store, flows).place({ flow: 'verify', to: '+15551230000', vars: { code: '4815' } })
 */
export function twilioDialer(config: Config, store: CallStore, flows: FlowRegistry, client?: TwilioClient): Dialer {
  return {
    async place({ flow, to, vars = {} }) {
      if (!E164.test(to)) throw new DialError(`"${to}" is not a phone number in E.164 form (+15551234567)`, 400)
      if (flows.get(flow) === undefined) throw new DialError(`no valid flow "${flow}"`, 404)
      if (!config.production && !config.dialAllow.includes('*') && !config.dialAllow.includes(to)) {
        throw new DialError(`refusing to dial ${to}: outside production only numbers in PHONETREE_DIAL_ALLOW may be called`, 403)
      }
      const missing = (['twilioAccountSid', 'authToken', 'twilioFrom', 'publicUrl'] as const).filter((key) => config[key] === undefined)
      if (missing.length > 0) {
        const names = { twilioAccountSid: 'TWILIO_ACCOUNT_SID', authToken: 'TWILIO_AUTH_TOKEN', twilioFrom: 'TWILIO_FROM', publicUrl: 'PUBLIC_URL' }
        throw new DialError(`outbound calls need ${missing.map((k) => names[k]).join(', ')}`, 503)
      }
      const token = randomBytes(12).toString('base64url')
      await store.putPending(token, vars, 15 * 60_000)
      const api = client ?? twilio(config.twilioAccountSid!, config.authToken!)
      const call = await api.calls.create({
        to,
        from: config.twilioFrom!,
        url: `${config.publicUrl}/voice/${flow}?v=${token}`,
        method: 'POST',
        statusCallback: `${config.publicUrl}/voice/${flow}/status`,
        statusCallbackMethod: 'POST',
        machineDetection: 'DetectMessageEnd',
      })
      return { sid: call.sid }
    },
  }
}
