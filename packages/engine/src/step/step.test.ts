import { describe, expect, it } from 'vitest'
import { settle, start, step } from './step.ts'
import { flowFrom, heard, TestCall } from './testing.ts'
import type { CallEvent, HttpEffect } from './events.ts'

describe('pass-through nodes', () => {
  it('say, set and branch all run inside one step, in order', () => {
    const call = new TestCall(flowFrom(`
      flow: test
      start: hello
      nodes:
        hello: { type: say, prompt: "Hello {{ call.from }}.", repeat: 2, next: remember }
        remember: { type: set, vars: { tier: gold, n: 3, who: "{{ call.from }}" }, next: route }
        route:
          type: branch
          cases:
            - when: { var: vars.tier, equals: silver }
              goto: silver
            - when: { all: [{ var: vars.n, greaterThan: 2 }, { var: vars.who, startsWith: "+1555" }] }
              goto: gold
          else: silver
        gold: { type: hangup, prompt: "Gold {{ vars.n }}." }
        silver: { type: hangup }
    `))
    expect(call.last.node).toBe('gold')
    expect(call.last.status).toBe('ended')
    expect(heard(call.last.view)).toEqual(['Hello +15551230000.', 'Hello +15551230000.', 'Gold 3.'])
    expect(call.last.view.at(-1)).toEqual({ kind: 'hangup' })
    expect(call.last.taken.map((t) => `${t.from}:${t.handle}`)).toEqual(['hello:next', 'remember:next', 'route:case:1'])
    expect(call.last.snapshot.context.vars).toEqual({ tier: 'gold', n: 3, who: '+15551230000' })
  })

  it('a set value that is exactly one path keeps the value\'s type', () => {
    const call = new TestCall(flowFrom(`
      flow: test
      vars: { customer: { tier: gold, visits: 4 } }
      start: copy
      nodes:
        copy: { type: set, vars: { c: "{{ vars.customer }}", visits: "{{ vars.customer.visits }}", text: "{{ vars.customer.visits }} visits" }, next: end }
        end: { type: hangup }
    `))
    expect(call.last.snapshot.context.vars).toMatchObject({ c: { tier: 'gold', visits: 4 }, visits: 4, text: '4 visits' })
  })

  it('starting variables override the flow\'s defaults', () => {
    const flow = flowFrom(`
      flow: test
      vars: { code: "000000", service: Acme }
      start: read
      nodes:
        read: { type: hangup, prompt: [{ say: "{{ vars.service }} code" }, { digits: "{{ vars.code }}" }, { pause: 1 }, { play: audio/chime.mp3 }] }
    `)
    const call = new TestCall(flow, { sid: 'CA1' }, '2026-11-23T18:00:00Z', { code: '4815' })
    expect(heard(call.last.view)).toEqual(['Acme code', '4, 8, 1, 5', '[pause 1]', '[play audio/chime.mp3]'])
  })

  it('caller-controlled text is data: template syntax inside it is never evaluated', () => {
    const call = new TestCall(flowFrom(`
      flow: test
      start: ask
      nodes:
        ask:
          type: menu
          input: speech
          prompt: Say something.
          choices: { "1": { goto: echo, words: [hello] } }
          onFailure: echo
        echo: { type: hangup, prompt: "You said {{ input.speech }}." }
    `))
    call.say('hello {{ call.sid }} {% raw %}')
    expect(heard(call.last.view)).toEqual(['You said hello {{ call.sid }} {% raw %}.'])
  })
})

describe('hours nodes use the step\'s clock, in the node\'s time zone', () => {
  const flow = () => flowFrom(`
    flow: test
    start: hours
    nodes:
      hours:
        type: hours
        timezone: America/Chicago
        hours: { mon-fri: "08:00-18:00" }
        holidays: ["2026-12-25"]
        open: open
        closed: closed
      open: { type: hangup, prompt: Open. }
      closed: { type: hangup, prompt: Closed. }
  `)
  const at = (instant: string) => new TestCall(flow(), { sid: 'CA1' }, instant).last.node

  it('is open at 08:30 local on the first weekday after the spring change and closed at the same UTC time before it', () => {
    expect(at('2026-03-06T13:30:00Z')).toBe('closed') // Friday 07:30 CST
    expect(at('2026-03-09T13:30:00Z')).toBe('open') // Monday 08:30 CDT
  })

  it('closes on holidays and weekends', () => {
    expect(at('2026-12-25T18:00:00Z')).toBe('closed')
    expect(at('2026-11-28T18:00:00Z')).toBe('closed') // Saturday
    expect(at('2026-11-27T18:00:00Z')).toBe('open')
  })
})

describe('http effects', () => {
  const flow = () => flowFrom(`
    flow: test
    start: account
    onError: sorry
    nodes:
      account: { type: input, prompt: Account?, saveAs: account, onFailure: sorry, next: lookup }
      lookup:
        type: http
        method: POST
        url: "https://crm.example.com/accounts/{{ vars.account }}?from={{ call.from | url_encode }}"
        headers: { authorization: "Bearer abc" }
        body: { account: "{{ vars.account }}", caller: "{{ call.from }}", source: ivr }
        timeout: 3
        saveAs: customer
        next: route
        onError: crm-down
      route:
        type: branch
        cases: [{ when: { var: vars.customer.tier, equals: gold }, goto: gold }]
        else: regular
      gold: { type: hangup, prompt: "Hello {{ vars.customer.name }}." }
      regular: { type: hangup }
      crm-down: { type: hangup, prompt: "Sorry: {{ flow.error }}." }
      sorry: { type: hangup }
  `)

  it('rests at the http node and returns the request as data', () => {
    const call = new TestCall(flow())
    const result = call.press('12345')
    expect(result.status).toBe('effect')
    expect(result.node).toBe('lookup')
    expect(result.view).toEqual([])
    expect(result.effects).toEqual([{
      type: 'http',
      node: 'lookup',
      key: '2:lookup',
      method: 'POST',
      url: 'https://crm.example.com/accounts/12345?from=%2B15551230000',
      headers: { authorization: 'Bearer abc', 'content-type': 'application/json' },
      body: JSON.stringify({ account: '12345', caller: '+15551230000', source: 'ivr' }),
      timeoutMs: 3000,
    } satisfies HttpEffect])
  })

  it('a 2xx answer is saved and the call moves on', () => {
    const call = new TestCall(flow())
    call.press('12345')
    const result = call.send({ type: 'HTTP_RESULT', status: 200, body: { tier: 'gold', name: 'Ada' } })
    expect(result.node).toBe('gold')
    expect(result.snapshot.context.vars.customer).toEqual({ tier: 'gold', name: 'Ada' })
    expect(heard(result.view)).toEqual(['Hello Ada.'])
  })

  it('a non-2xx answer or a failure takes onError, with the reason readable as flow.error', () => {
    const a = new TestCall(flow())
    a.press('12345')
    expect(heard(a.send({ type: 'HTTP_RESULT', status: 503, body: 'busy' }).view)).toEqual(['Sorry: HTTP 503.'])
    const b = new TestCall(flow())
    b.press('12345')
    expect(heard(b.send({ type: 'HTTP_ERROR', message: 'timed out after 3000 ms' }).view)).toEqual(['Sorry: timed out after 3000 ms.'])
    expect(b.last.snapshot.context.vars).not.toHaveProperty('customer')
  })

  it('settle performs effects through the given function and accumulates one answer', async () => {
    const call = new TestCall(flow())
    const requests: HttpEffect[] = []
    const settled = await settle(call.flow, call.press('12345'), (effect) => {
      requests.push(effect)
      return { type: 'HTTP_RESULT', status: 200, body: { tier: 'gold', name: 'Grace' } }
    }, call.now)
    expect(requests.map((r) => r.node)).toEqual(['lookup'])
    expect(settled.node).toBe('gold')
    expect(settled.taken.map((t) => t.handle)).toEqual(['next', 'next', 'case:0'])
    expect(heard(settled.view)).toEqual(['Hello Grace.'])
  })

  it('without onError on the node, the flow\'s onError takes over; without either, an apology ends the call', () => {
    const withFlowError = flowFrom(`
      flow: test
      start: get
      onError: sorry
      nodes:
        get: { type: http, url: "https://x.example/a", next: done }
        done: { type: hangup }
        sorry: { type: hangup, prompt: Sorry. }
    `)
    const a = new TestCall(withFlowError)
    expect(a.send({ type: 'HTTP_ERROR', message: 'reset' }).node).toBe('sorry')
    const bare = flowFrom(`
      flow: test
      start: get
      nodes:
        get: { type: http, url: "https://x.example/a", next: done }
        done: { type: hangup }
    `)
    const b = new TestCall(bare)
    const failed = b.send({ type: 'HTTP_RESULT', status: 500 })
    expect(failed.node).toBe('$failed')
    expect(failed.status).toBe('ended')
    expect(failed.view.at(-1)).toEqual({ kind: 'hangup' })
    expect(heard(failed.view)[0]).toMatch(/sorry/i)
  })
})

describe('dial, record, enqueue and redirect', () => {
  const flow = () => flowFrom(`
    flow: test
    start: dial
    nodes:
      dial:
        type: dial
        prompt: Connecting.
        number: ["+15551230001", "{{ vars.backup }}"]
        callerId: "+15550000000"
        timeout: 20
        record: true
        next: after
        onNoAnswer: voicemail
      after: { type: hangup, prompt: Bye. }
      voicemail: { type: record, prompt: Leave a message., maxLength: 60, transcribe: true, saveAs: message, next: queue }
      queue: { type: enqueue, queue: "support-{{ vars.message.duration }}", next: away }
      away: { type: redirect, url: "https://other.example/twiml" }
  `)
  const call = () => new TestCall(flow(), { sid: 'CA1' }, '2026-11-23T18:00:00Z', { backup: '+15551230002' })

  it('dials every number at once and goes to next when answered', () => {
    const c = call()
    expect(c.last.view).toEqual([
      { kind: 'say', text: 'Connecting.' },
      { kind: 'dial', numbers: ['+15551230001', '+15551230002'], callerId: '+15550000000', timeout: 20, record: true },
    ])
    expect(c.send({ type: 'DIAL_RESULT', status: 'completed', duration: 42 }).node).toBe('after')
  })

  it('busy, no-answer, failed and canceled go to onNoAnswer; without it, to next', () => {
    for (const status of ['busy', 'no-answer', 'failed', 'canceled'] as const) {
      expect(call().send({ type: 'DIAL_RESULT', status }).node).toBe('voicemail')
    }
    const plain = new TestCall(flowFrom(`
      flow: test
      start: dial
      nodes:
        dial: { type: dial, number: "+15551230001", next: after }
        after: { type: hangup }
    `))
    expect(plain.send({ type: 'DIAL_RESULT', status: 'busy' }).taken).toEqual([{ from: 'dial', handle: 'onNoAnswer', to: 'after' }])
  })

  it('records, saves the recording, queues, and redirects', () => {
    const c = call()
    const rec = c.send({ type: 'DIAL_RESULT', status: 'no-answer' })
    expect(rec.view).toEqual([{ kind: 'say', text: 'Leave a message.' }, { kind: 'record', maxLength: 60, timeout: 5, finishOnKey: '1234567890*#', playBeep: true, transcribe: true }])
    const queued = c.send({ type: 'RECORDING', url: 'https://api.twilio.com/r.mp3', duration: 12 })
    expect(queued.snapshot.context.vars.message).toEqual({ url: 'https://api.twilio.com/r.mp3', duration: 12 })
    expect(queued.view).toEqual([{ kind: 'enqueue', queue: 'support-12' }])
    const away = c.send({ type: 'QUEUE_RESULT', result: 'hangup' })
    expect(away.status).toBe('ended')
    expect(away.view).toEqual([{ kind: 'redirect', url: 'https://other.example/twiml', method: 'POST' }])
  })
})

describe('hang-ups, errors and stray events', () => {
  const flow = () => flowFrom(`
    flow: test
    start: menu
    onError: sorry
    nodes:
      menu: { type: menu, prompt: Press 1., choices: { "1": done }, onFailure: done }
      done: { type: hangup }
      sorry: { type: menu, prompt: Something failed. Press 1 to try again., choices: { "1": menu }, onFailure: done }
  `)

  it('a caller hang-up ends the call anywhere, with nothing to say', () => {
    const result = new TestCall(flow()).send({ type: 'HANGUP' })
    expect(result).toMatchObject({ node: '$hungup', status: 'ended', view: [], handled: true })
    expect(result.snapshot.status).toBe('done')
  })

  it('events after the end change nothing', () => {
    const call = new TestCall(flow())
    call.send({ type: 'HANGUP' })
    const after = call.press('1')
    expect(after).toMatchObject({ status: 'ended', handled: false, view: [] })
    expect(after.snapshot.seq).toBe(2)
  })

  it('a server-side error enters onError; a third error in a row ends the call with an apology', () => {
    const call = new TestCall(flow())
    expect(call.send({ type: 'ERROR', message: 'store down' })).toMatchObject({ node: 'sorry', error: 'store down' })
    expect(call.send({ type: 'ERROR', message: 'again' }).node).toBe('sorry')
    const last = call.send({ type: 'ERROR', message: 'and again' })
    expect(last.node).toBe('$failed')
    expect(last.view.at(-1)).toEqual({ kind: 'hangup' })
  })

  it('an event that means nothing where the call rests repeats the node without changing state', () => {
    const call = new TestCall(flow())
    const before = call.last.snapshot
    const stray = call.send({ type: 'DIAL_RESULT', status: 'completed' })
    expect(stray.handled).toBe(false)
    expect(stray.snapshot).toBe(before)
    expect(heard(stray.view)).toEqual(['Press 1.'])
  })
})

describe('snapshots', () => {
  const flow = () => flowFrom(`
    flow: test
    start: menu
    nodes:
      menu: { type: menu, prompt: Press 1., choices: { "1": done }, onFailure: done }
      done: { type: hangup, prompt: "Bye {{ call.from }}." }
  `)

  it('are small JSON that a later step can continue from', () => {
    const compiled = flow()
    const first = start(compiled, { sid: 'CA1', from: '+15551230000' }, '2026-11-23T18:00:00Z')
    const stored = JSON.stringify(first.snapshot)
    expect(stored.length).toBeLessThan(1024)
    const next = step(compiled, JSON.parse(stored), { type: 'DIGITS', digits: '1' }, '2026-11-23T18:00:05Z')
    expect(next.node).toBe('done')
    expect(heard(next.view)).toEqual(['Bye +15551230000.'])
    expect(next.snapshot.seq).toBe(2)
  })

  it('name the flow version, and refuse to continue on another version', () => {
    const compiled = flow()
    const first = start(compiled, { sid: 'CA1' }, '2026-11-23T18:00:00Z')
    expect(first.snapshot.version).toBe(compiled.version)
    const changed = flowFrom(`
      flow: test
      start: menu
      nodes:
        menu: { type: menu, prompt: Press 2., choices: { "2": done }, onFailure: done }
        done: { type: hangup }
    `)
    expect(changed.version).not.toBe(compiled.version)
    expect(() => step(changed, first.snapshot, { type: 'DIGITS', digits: '1' } satisfies CallEvent, '2026-11-23T18:00:01Z')).toThrow(/version/)
  })

  it('the same flow content always compiles to the same version and machine', () => {
    expect(flow()).toBe(flow())
  })
})

describe('data that cannot be acted on', () => {
  it('a dial number that renders empty goes through onError instead of dialling nobody', () => {
    const call = new TestCall(flowFrom(`
      flow: test
      start: connect
      onError: sorry
      nodes:
        connect: { type: dial, prompt: Connecting., number: "{{ vars.agent.phone }}", next: bye }
        bye: { type: hangup }
        sorry: { type: hangup, prompt: Sorry. }
    `))
    expect(call.last.node).toBe('sorry')
    expect(call.last.error).toMatch(/no number to dial/)
    expect(call.last.view.some((i) => i.kind === 'dial')).toBe(false)
  })
})
