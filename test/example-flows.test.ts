import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { compileFlow, loadFlow } from '@phonetree/engine'
import type { CompiledFlow, HttpEffect } from '@phonetree/engine'
import { heard, TestCall } from '../packages/engine/src/step/testing.ts'

// The example flows are the product's showcase: each use case is walked here on state and
// view objects. (Scenario files beside the flows cover every transition.)

function example(id: string): CompiledFlow {
  const file = new URL(`../flows/${id}.yaml`, import.meta.url)
  const loaded = loadFlow(readFileSync(file, 'utf8'), `flows/${id}.yaml`)
  expect(loaded.problems).toEqual([])
  return compileFlow(loaded)
}

const caller = (extra: Record<string, string> = {}) => ({ sid: 'CA-example', from: '+15551230000', to: '+15557654321', ...extra })
const lastEffect = (call: TestCall): HttpEffect => call.last.effects[0]!

describe('support', () => {
  const weekdayMorning = '2026-11-23T16:00:00Z' // Monday 10:00 in Chicago

  it('in office hours, greets and offers the main menu; 1 dials sales; busy goes to voicemail and files a ticket', () => {
    const call = new TestCall(example('support'), caller(), weekdayMorning)
    expect(call.last.node).toBe('main-menu')
    expect(heard(call.last.view)).toEqual(['Thanks for calling Acme.', expect.stringContaining('For sales, press 1')])
    expect(call.press('1').view.at(-1)).toMatchObject({ kind: 'dial', numbers: ['+15551234567'], timeout: 20 })
    expect(call.send({ type: 'DIAL_RESULT', status: 'busy' }).node).toBe('voicemail')
    const ticket = call.send({ type: 'RECORDING', url: 'https://api.twilio.com/rec/RE1', duration: 31 })
    expect(ticket.status).toBe('effect')
    expect(lastEffect(call)).toMatchObject({ method: 'POST', url: 'https://crm.example.com/tickets' })
    expect(JSON.parse(lastEffect(call).body!)).toEqual({ from: '+15551230000', recording: 'https://api.twilio.com/rec/RE1', seconds: 31 })
    expect(heard(call.send({ type: 'HTTP_RESULT', status: 201, body: {} }).view)).toEqual(['Thank you for calling Acme. Goodbye.'])
  })

  it('2 asks for the account, looks it up, and sends gold customers to the priority team by name', () => {
    const call = new TestCall(example('support'), caller(), weekdayMorning)
    call.press('2')
    expect(call.last.node).toBe('account')
    call.press('4815162342')
    expect(lastEffect(call)).toMatchObject({ method: 'GET', url: 'https://crm.example.com/accounts/4815162342', timeoutMs: 3000 })
    const routed = call.send({ type: 'HTTP_RESULT', status: 200, body: { tier: 'gold', name: 'Ada' } })
    expect(routed.node).toBe('priority')
    expect(heard(routed.view)).toEqual(['Thank you, Ada. Connecting you to your priority team.'])
    expect(routed.view.at(-1)).toMatchObject({ kind: 'dial', numbers: ['+15551230001', '+15551230002'] })
  })

  it('callers from Japan reach the Tokyo desk; everyone else queues; a CRM outage still queues the caller', () => {
    const japan = new TestCall(example('support'), caller({ from: '+81312345678' }), weekdayMorning)
    japan.press('2')
    japan.press('123456')
    expect(japan.send({ type: 'HTTP_RESULT', status: 200, body: { tier: 'silver' } }).view.at(-1)).toEqual({ kind: 'enqueue', queue: 'japan' })
    const down = new TestCall(example('support'), caller(), weekdayMorning)
    down.press('2')
    down.press('123456')
    expect(down.send({ type: 'HTTP_ERROR', message: 'timed out' }).view.at(-1)).toEqual({ kind: 'enqueue', queue: 'support' })
  })

  it('after hours and on holidays, explains the hours and takes a voicemail', () => {
    for (const instant of ['2026-11-28T23:00:00Z', '2026-12-25T16:00:00Z']) {
      const call = new TestCall(example('support'), caller(), instant)
      expect(call.last.node).toBe('voicemail')
      expect(heard(call.last.view)[1]).toMatch(/^Our office is closed/)
      expect(call.last.view.at(-1)).toMatchObject({ kind: 'record', transcribe: true })
    }
  })

  it('three silences at the main menu reach an operator', () => {
    const call = new TestCall(example('support'), caller(), weekdayMorning)
    call.silence()
    call.silence()
    expect(call.silence().node).toBe('operator')
  })
})

describe('secretary (Asia/Tokyo)', () => {
  const at = (instant: string) => new TestCall(example('secretary'), caller(), instant)

  it('weekday office hours ring the office, then the mobile, then take a message', () => {
    const call = at('2026-11-23T01:00:00Z') // Monday 10:00 JST
    expect(call.last.view).toEqual([{ kind: 'dial', numbers: ['+81355550100'], timeout: 20, record: false }])
    expect(call.send({ type: 'DIAL_RESULT', status: 'no-answer' }).node).toBe('mobile')
    expect(call.send({ type: 'DIAL_RESULT', status: 'no-answer' }).node).toBe('take-message')
  })

  it('weekday evenings ring the mobile; weekend days start later and end earlier than weekdays', () => {
    expect(at('2026-11-23T11:00:00Z').last.node).toBe('mobile') // Monday 20:00 JST
    expect(at('2026-11-27T13:30:00Z').last.node).toBe('mobile') // Friday 22:30 JST
    expect(at('2026-11-28T13:30:00Z').last.node).toBe('night') // Saturday 22:30 JST
    expect(at('2026-11-28T00:30:00Z').last.node).toBe('night') // Saturday 09:30 JST
    expect(at('2026-11-28T02:00:00Z').last.node).toBe('mobile') // Saturday 11:00 JST
  })

  it('at night says the local time, wakes Ken on 1, and takes a message on silence', () => {
    const night = at('2026-11-24T18:05:00Z') // Wednesday 03:05 JST
    expect(heard(night.last.view)[0]).toBe('It is 3:05 AM in Tokyo, and Ken is asleep. If it is urgent, press 1 to wake him. Otherwise, stay on the line to leave a message.')
    expect(night.press('1').view).toEqual([
      { kind: 'say', text: 'Ringing Ken now. Please hold.', voice: 'Polly.Brian', language: 'en-GB' },
      { kind: 'dial', numbers: ['+819055550123'], timeout: 40, record: false },
    ])
    const quiet = at('2026-11-24T18:05:00Z')
    expect(quiet.silence().node).toBe('take-message')
  })
})

describe('appointment-reminder (outbound)', () => {
  const reminder = (answeredBy: string) =>
    new TestCall(example('appointment-reminder'), caller({ direction: 'outbound-api', answeredBy }), '2026-11-23T16:00:00Z', {
      patient: 'Sam', when: 'on Tuesday at 3 PM', appointment: 'A-17',
    })

  it('leaves the reminder twice on an answering machine, logs it, and hangs up', () => {
    const call = reminder('machine_end_beep')
    const said = heard(call.last.view)
    expect(said.filter((s) => s.startsWith('Hello, this is Riverside Dental with a reminder for Sam'))).toHaveLength(2)
    expect(lastEffect(call)).toMatchObject({ method: 'POST', url: 'https://clinic.example.com/api/appointments/A-17/answer', body: '{"answer":"voicemail"}' })
    expect(call.send({ type: 'HTTP_RESULT', status: 204 }).view).toEqual([{ kind: 'hangup' }])
  })

  it('a person confirms with 1, cancels with 5 or asks for a call with 9, and each answer is posted', () => {
    for (const [key, answer, reply] of [['1', 'confirmed', /look forward/], ['5', 'cancelled', /cancelled/], ['9', 'call-back', /call you back/]] as const) {
      const call = reminder('human')
      expect(call.last.node).toBe('ask')
      call.press(key)
      expect(JSON.parse(lastEffect(call).body!)).toEqual({ answer, phone: '+15557654321' })
      const done = call.send({ type: 'HTTP_RESULT', status: 200, body: { ok: true } })
      expect(done.status).toBe('ended')
      expect(heard(done.view)[0]).toMatch(reply)
    }
  })

  it('when the clinic\'s system fails, the caller is told to call the clinic', () => {
    const call = reminder('human')
    call.press('1')
    expect(heard(call.send({ type: 'HTTP_ERROR', message: 'reset' }).view)).toEqual(['Sorry, we could not save your answer. Please call Riverside Dental directly. Goodbye.'])
  })

  it('hangs up on a fax', () => {
    expect(reminder('fax').last.view).toEqual([{ kind: 'hangup' }])
  })
})

describe('fan-voicemail', () => {
  it('records a transcribed message and posts it to the band\'s API', () => {
    const call = new TestCall(example('fan-voicemail'), caller({ FromCity: 'Austin' }))
    expect(call.say('I want to leave a message').node).toBe('leave-message')
    expect(call.last.view.at(-1)).toMatchObject({ kind: 'record', maxLength: 180, finishOnKey: '#', transcribe: true })
    call.send({ type: 'RECORDING', url: 'https://api.twilio.com/rec/RE9', duration: 44 })
    expect(lastEffect(call)).toMatchObject({ method: 'POST', url: 'https://api.nightowls.example/fan-messages', headers: { authorization: 'Bearer fan-line' } })
    expect(JSON.parse(lastEffect(call).body!)).toEqual({ from: '+15551230000', city: 'Austin', recording: 'https://api.twilio.com/rec/RE9', seconds: 44 })
    expect(heard(call.send({ type: 'HTTP_RESULT', status: 201 }).view)).toEqual(['Thanks! The band reads every message. Rock on!'])
  })

  it('an empty recording is not posted', () => {
    const call = new TestCall(example('fan-voicemail'), caller())
    call.press('1')
    expect(call.send({ type: 'RECORDING' }).node).toBe('nothing-heard')
  })

  it('reads the tour dates from the API', () => {
    const call = new TestCall(example('fan-voicemail'), caller())
    call.press('2')
    const dates = call.send({ type: 'HTTP_RESULT', status: 200, body: { shows: [{ city: 'Austin', date: 'December 4' }, { city: 'Denver', date: 'December 6' }] } })
    expect(heard(dates.view)[0]).toBe('Our next shows: Austin on December 4. Denver on December 6. ')
    expect(dates.node).toBe('after-dates')
  })
})

describe('verify', () => {
  it('reads the code digit by digit, twice, and again on 1; silence says goodbye', () => {
    const call = new TestCall(example('verify'), caller(), '2026-11-23T16:00:00Z', { code: '481516' })
    const code = '4, 8, 1, 5, 1, 6'
    expect(heard(call.last.view)).toEqual(['Hello. Here is your Acme verification code.', 'Your code is', code, '[pause 1]', 'Again, your code is', code, '[pause 1]', 'To hear it again, press 1.'])
    expect(heard(call.press('1').view).filter((s) => s === code)).toHaveLength(2)
    expect(call.silence().view).toEqual([{ kind: 'say', text: 'Goodbye.', voice: 'Polly.Joanna', language: 'en-US' }, { kind: 'hangup' }])
  })
})
