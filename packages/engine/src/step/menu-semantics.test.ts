import { describe, expect, it } from 'vitest'
import { flowFrom, heard, TestCall } from './testing.ts'

// reference/menu-semantics.md, rule by rule, on state and view objects only (no TwiML).

const menuFlow = (extra = '') => flowFrom(`
  flow: test
  start: menu
  nodes:
    menu:
      type: menu
      prompt: For sales press 1. For support press 2.
      reprompt: Press 1 or 2.
      choices:
        "1": sales
        "2": support
        "*": menu
      noInput: ["No input one.", "No input two."]
      noMatch: ["No match one.", "No match two."]
      onFailure: operator
      ${extra}
    sales: { type: hangup, prompt: Sales. }
    support: { type: say, prompt: Support., next: menu }
    operator: { type: hangup, prompt: Operator. }
    no-input-exit: { type: hangup, prompt: Nobody there. }
    no-match-exit: { type: hangup, prompt: Too many wrong keys. }
`)

describe('prompt selection (rule 2)', () => {
  it('plays the initial prompt on entry', () => {
    const call = new TestCall(menuFlow())
    expect(call.last.node).toBe('menu')
    expect(call.last.status).toBe('waiting')
    expect(heard(call.last.view)).toEqual(['For sales press 1. For support press 2.'])
  })

  it('after a no-input plays the no-input prompt for the count, then the reprompt', () => {
    const call = new TestCall(menuFlow())
    expect(heard(call.silence().view)).toEqual(['No input one.', 'Press 1 or 2.'])
    expect(call.last.snapshot.context.noInput).toBe(1)
  })

  it('after a no-match plays the no-match prompt for the count, then the reprompt', () => {
    const call = new TestCall(menuFlow())
    expect(heard(call.press('7').view)).toEqual(['No match one.', 'Press 1 or 2.'])
    expect(heard(call.press('8').view)).toEqual(['No match two.', 'Press 1 or 2.'])
  })

  it('repeats the last count-indexed prompt once the list runs out', () => {
    const call = new TestCall(menuFlow('maxNoInput: 5'))
    call.silence()
    call.silence()
    expect(heard(call.silence().view)).toEqual(['No input two.', 'Press 1 or 2.'])
  })

  it('falls back to the initial prompt when there is no reprompt, and to no event prompt when none is set', () => {
    const call = new TestCall(flowFrom(`
      flow: test
      start: menu
      nodes:
        menu: { type: menu, prompt: Choose., choices: { "1": done }, onFailure: done }
        done: { type: hangup }
    `))
    expect(heard(call.silence().view)).toEqual(['Choose.'])
    expect(heard(call.press('9').view)).toEqual(['Choose.'])
  })
})

describe('classification and counters (rules 4 and 5)', () => {
  it('keeps separate no-input and no-match counters', () => {
    const call = new TestCall(menuFlow())
    call.silence()
    call.press('7')
    call.silence()
    expect(call.last.node).toBe('menu')
    expect(call.last.snapshot.context).toMatchObject({ noInput: 2, noMatch: 1 })
    expect(heard(call.last.view)).toEqual(['No input two.', 'Press 1 or 2.'])
  })

  it('a match after failures leaves the menu', () => {
    const call = new TestCall(menuFlow())
    call.silence()
    call.press('7')
    expect(call.press('1').node).toBe('sales')
    expect(call.last.status).toBe('ended')
    expect(heard(call.last.view)).toEqual(['Sales.'])
  })

  it('a bare finishing key (empty digits) counts as a no-match', () => {
    const call = new TestCall(menuFlow())
    call.press('')
    expect(call.last.snapshot.context).toMatchObject({ noInput: 0, noMatch: 1 })
  })

  it('exhausting no-input goes to onFailure without another retry prompt', () => {
    const call = new TestCall(menuFlow())
    call.silence()
    call.silence()
    const last = call.silence()
    expect(last.node).toBe('operator')
    expect(heard(last.view)).toEqual(['Operator.'])
    expect(last.taken).toEqual([{ from: 'menu', handle: 'noInput:exhausted', to: 'operator' }])
  })

  it('exhausting no-match goes to onFailure', () => {
    const call = new TestCall(menuFlow())
    call.press('7')
    call.press('7')
    expect(call.press('7').node).toBe('operator')
  })

  it('mixed failures do not exhaust either counter alone', () => {
    const call = new TestCall(menuFlow())
    for (const event of ['silence', 'press', 'silence', 'press'] as const) {
      if (event === 'silence') call.silence()
      else call.press('5')
    }
    expect(call.last.node).toBe('menu')
    expect(call.last.snapshot.context).toMatchObject({ noInput: 2, noMatch: 2 })
  })

  it('onNoInput and onNoMatch override onFailure', () => {
    const flow = menuFlow('onNoInput: no-input-exit\n      onNoMatch: no-match-exit\n      maxNoInput: 1\n      maxNoMatch: 2')
    expect(new TestCall(flow).silence().node).toBe('no-input-exit')
    const call = new TestCall(flow)
    call.press('9')
    expect(call.press('9').node).toBe('no-match-exit')
  })

  it('maxAttempts counts no-input and no-match together and takes the latest event\'s handler', () => {
    const flow = menuFlow('maxAttempts: 3\n      onNoInput: no-input-exit\n      onNoMatch: no-match-exit')
    const call = new TestCall(flow)
    call.silence()
    call.press('9')
    expect(call.silence().node).toBe('no-input-exit')
    const other = new TestCall(flow)
    other.silence()
    other.silence()
    expect(other.press('4').node).toBe('no-match-exit')
  })

  it('the first declared choice wins when speech matches several', () => {
    const call = new TestCall(flowFrom(`
      flow: test
      start: menu
      nodes:
        menu:
          type: menu
          input: dtmf speech
          prompt: Say sales or billing.
          choices:
            "1": { goto: sales, words: [sales, buy] }
            "2": { goto: billing, words: [billing, buy now] }
          onFailure: done
        sales: { type: hangup }
        billing: { type: hangup }
        done: { type: hangup }
    `))
    expect(call.say('I want to buy now please').node).toBe('sales')
  })
})

describe('entry resets counters (rule 1)', () => {
  it('re-entering the menu from elsewhere starts from the initial prompt with zeroed counters', () => {
    const call = new TestCall(menuFlow())
    call.silence()
    call.press('7')
    const back = call.press('2')
    expect(back.node).toBe('menu')
    expect(back.taken.map((t) => t.handle)).toEqual(['choice:2', 'next'])
    expect(heard(back.view)).toEqual(['Support.', 'For sales press 1. For support press 2.'])
    expect(back.snapshot.context).toMatchObject({ noInput: 0, noMatch: 0 })
  })

  it('a "repeat" key that targets the menu itself replays the initial prompt and resets counters', () => {
    const call = new TestCall(menuFlow())
    call.press('7')
    call.press('7')
    const repeat = call.press('*')
    expect(repeat.node).toBe('menu')
    expect(heard(repeat.view)).toEqual(['For sales press 1. For support press 2.'])
    expect(repeat.snapshot.context.noMatch).toBe(0)
    // Two more wrong keys no longer exhaust the menu: the count started again.
    call.press('7')
    expect(call.press('7').node).toBe('menu')
  })
})

describe('gather instructions', () => {
  it('asks for one key, finishing on # and timing out after the node timeout', () => {
    const view = new TestCall(menuFlow('timeout: 7')).last.view
    expect(view.at(-1)).toMatchObject({ kind: 'gather', input: ['dtmf'], numDigits: 1, finishOnKey: '#', timeout: 7 })
  })

  it('multi-digit keys raise numDigits, and a # key disables the finishing key', () => {
    const call = new TestCall(flowFrom(`
      flow: test
      start: menu
      nodes:
        menu:
          type: menu
          prompt: Extension?
          choices: { "10": a, "20": a, "#": a }
          onFailure: a
        a: { type: hangup }
    `))
    expect(call.last.view.at(-1)).toMatchObject({ kind: 'gather', numDigits: 2, finishOnKey: '' })
    expect(call.press('20').node).toBe('a')
  })

  it('speech menus gather speech with hints from the choices\' words', () => {
    const call = new TestCall(flowFrom(`
      flow: test
      language: en-GB
      start: menu
      nodes:
        menu:
          type: menu
          input: speech
          prompt: Sales or support?
          choices:
            "1": { goto: a, words: [sales] }
            "2": { goto: a, words: [support, help] }
          onFailure: a
        a: { type: hangup }
    `))
    expect(call.last.view.at(-1)).toMatchObject({ kind: 'gather', input: ['speech'], hints: 'sales, support, help', speechTimeout: 'auto', language: 'en-GB' })
    expect(call.last.view.at(-1)).not.toHaveProperty('numDigits')
  })
})

describe('speech answers', () => {
  const speechFlow = () => flowFrom(`
    flow: test
    start: menu
    nodes:
      menu:
        type: menu
        input: dtmf speech
        prompt: Say sales or support, or press a key.
        choices:
          "1": { goto: sales, words: [sales, "buy something"] }
          "2": { goto: support, words: [support] }
        onFailure: done
      sales: { type: hangup }
      support: { type: hangup }
      done: { type: hangup }
  `)

  it('matches words case- and punctuation-insensitively, as whole words', () => {
    expect(new TestCall(speechFlow()).say('SALES, please!').node).toBe('sales')
    expect(new TestCall(speechFlow()).say('I want to buy something.').node).toBe('sales')
    expect(new TestCall(speechFlow()).say('wholesales').node).toBe('menu')
  })

  it('matches a spoken key ("two", "2")', () => {
    expect(new TestCall(speechFlow()).say('two').node).toBe('support')
    expect(new TestCall(speechFlow()).say('press 2').node).toBe('support')
  })

  it('treats empty speech as no input and unmatched speech as no match', () => {
    const call = new TestCall(speechFlow())
    call.say('   ')
    call.say('pizza')
    expect(call.last.snapshot.context).toMatchObject({ noInput: 1, noMatch: 1 })
    expect(call.last.snapshot.context.input).toEqual({ speech: 'pizza' })
  })

  it('keeps what was said and its confidence for templates', () => {
    const call = new TestCall(speechFlow())
    call.say('support', 0.93)
    expect(call.last.snapshot.context.input).toEqual({ speech: 'support', confidence: 0.93 })
  })
})

describe('input nodes', () => {
  const inputFlow = () => flowFrom(`
    flow: test
    start: account
    nodes:
      account:
        type: input
        prompt: Enter your account number.
        reprompt: Six to ten digits, then pound.
        noMatch: That is not an account number.
        saveAs: account
        minDigits: 6
        maxDigits: 10
        pattern: "[1-9][0-9]*"
        maxNoMatch: 2
        onFailure: operator
        next: thanks
      thanks: { type: hangup, prompt: "Account {{ vars.account }}." }
      operator: { type: hangup, prompt: Operator. }
  `)

  it('gathers up to maxDigits, finishing on #', () => {
    expect(new TestCall(inputFlow()).last.view.at(-1)).toMatchObject({ kind: 'gather', input: ['dtmf'], numDigits: 10, finishOnKey: '#' })
  })

  it('saves valid digits in vars and moves on', () => {
    const call = new TestCall(inputFlow())
    const done = call.press('1234567')
    expect(done.node).toBe('thanks')
    expect(done.snapshot.context.vars).toEqual({ account: '1234567' })
    expect(heard(done.view)).toEqual(['Account 1234567.'])
  })

  it('treats too short, too long and pattern-breaking entries as no-match', () => {
    for (const digits of ['12345', '12345678901', '0123456', '12*4567']) {
      const call = new TestCall(inputFlow())
      expect(heard(call.press(digits).view)).toEqual(['That is not an account number.', 'Six to ten digits, then pound.'])
      expect(call.last.snapshot.context.vars).toEqual({})
    }
  })

  it('exhausts to onFailure', () => {
    const call = new TestCall(inputFlow())
    call.press('1')
    expect(call.press('2').node).toBe('operator')
  })
})
