import fc from 'fast-check'
import { XMLParser } from 'fast-xml-parser'
import twilio from 'twilio'
import { describe, expect, it } from 'vitest'
import type { Instruction, Speech, View } from '../step/view.ts'
import { renderApology, renderTwiml } from './twiml.ts'
import { DEFAULT_APOLOGY } from '../step/view.ts'
import type { TwimlOptions } from './twiml.ts'
import { checkTwiml } from './twiml-check.ts'

const { VoiceResponse } = twilio.twiml
type Response = InstanceType<typeof VoiceResponse>
type Prompts = ReturnType<Response['gather']>
// The SDK types voices and languages as closed unions; views carry whatever the flow says.
type SayAttributes = Parameters<Response['say']>[0]
type GatherAttributes = NonNullable<Parameters<Response['gather']>[0]>

const ACTION = 'https://ivr.example.com/calls/step/7?flow=main&tenant=a'
const options: TwimlOptions = { actionUrl: ACTION }

/** The oracle: the same document built with the official SDK. */
function twiml(build: (response: Response) => void): string {
  const response = new VoiceResponse()
  build(response)
  return response.toString()
}

/** Renders, and insists the result is valid before anyone compares it. */
function render(view: View, renderOptions: TwimlOptions = options): string {
  const xml = renderTwiml(view, renderOptions)
  expect(checkTwiml(xml)).toEqual([])
  return xml
}

describe('renderTwiml: one instruction of each kind', () => {
  it('renders an empty view as an empty response', () => {
    expect(render([])).toBe(twiml(() => {}))
    expect(render([])).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>')
  })

  it('renders say with only the attributes it has', () => {
    expect(render([{ kind: 'say', text: 'Hello' }])).toBe(twiml((r) => r.say('Hello')))
    expect(render([{ kind: 'say', text: 'Hola', voice: 'Polly.Lupe', language: 'es-US', loop: 3 }])).toBe(
      twiml((r) => r.say({ voice: 'Polly.Lupe', language: 'es-US', loop: 3 }, 'Hola')),
    )
  })

  it('leaves loop out when it would not repeat anything', () => {
    const expected = twiml((r) => r.say('Once'))
    expect(render([{ kind: 'say', text: 'Once', loop: 1 }])).toBe(expected)
    expect(render([{ kind: 'say', text: 'Once', loop: 0 }])).toBe(expected)
    expect(render([{ kind: 'play', url: 'https://a.example/x.mp3', loop: 1 }])).toBe(
      twiml((r) => r.play('https://a.example/x.mp3')),
    )
  })

  it('applies the default voice and language only to say instructions that have none', () => {
    const withDefaults = { ...options, voice: 'Polly.Joanna', language: 'en-US' }
    expect(render([{ kind: 'say', text: 'Hi' }], withDefaults)).toBe(
      twiml((r) => r.say({ voice: 'Polly.Joanna', language: 'en-US' }, 'Hi')),
    )
    expect(render([{ kind: 'say', text: 'Hallo', voice: 'Polly.Marlene', language: 'de-DE' }], withDefaults)).toBe(
      twiml((r) => r.say({ voice: 'Polly.Marlene', language: 'de-DE' }, 'Hallo')),
    )
  })

  it('renders play, resolving relative urls against the audio base', () => {
    const withBase = { ...options, audioBaseUrl: 'https://cdn.example.com/audio/' }
    expect(render([{ kind: 'play', url: 'welcome.mp3', loop: 2 }], withBase)).toBe(
      twiml((r) => r.play({ loop: 2 }, 'https://cdn.example.com/audio/welcome.mp3')),
    )
    expect(render([{ kind: 'play', url: '/welcome.mp3' }], { ...options, audioBaseUrl: 'https://cdn.example.com/audio' })).toBe(
      twiml((r) => r.play('https://cdn.example.com/audio/welcome.mp3')),
    )
    expect(render([{ kind: 'play', url: 'https://other.example/a.wav?x=1&y=2' }], withBase)).toBe(
      twiml((r) => r.play('https://other.example/a.wav?x=1&y=2')),
    )
    expect(render([{ kind: 'play', url: 'welcome.mp3' }])).toBe(twiml((r) => r.play('welcome.mp3')))
  })

  it('renders pause', () => {
    expect(render([{ kind: 'pause', seconds: 2 }])).toBe(twiml((r) => r.pause({ length: 2 })))
  })

  it('renders a minimal dtmf gather followed by the fall-through redirect', () => {
    const view: View = [{ kind: 'gather', input: ['dtmf'], timeout: 5, prompts: [] }]
    expect(render(view)).toBe(
      twiml((r) => {
        r.gather({ input: ['dtmf'], action: ACTION, method: 'POST', timeout: 5, actionOnEmptyResult: true })
        r.redirect({ method: 'POST' }, ACTION)
      }),
    )
  })

  it('renders every gather attribute, keeping an empty finishOnKey', () => {
    const view: View = [
      {
        kind: 'gather',
        input: ['dtmf', 'speech'],
        timeout: 4,
        numDigits: 4,
        finishOnKey: '',
        speechTimeout: 2,
        hints: 'billing, sales',
        language: 'en-GB',
        prompts: [{ kind: 'say', text: 'Enter your PIN' }],
      },
    ]
    expect(render(view)).toBe(
      twiml((r) => {
        r.gather({
          input: ['dtmf', 'speech'],
          action: ACTION,
          method: 'POST',
          timeout: 4,
          numDigits: 4,
          finishOnKey: '',
          speechTimeout: '2',
          hints: 'billing, sales',
          language: 'en-GB',
          actionOnEmptyResult: true,
        }).say('Enter your PIN')
        r.redirect({ method: 'POST' }, ACTION)
      }),
    )
  })

  it('renders dial with two numbers, caller id, time limit and recording', () => {
    const view: View = [
      { kind: 'dial', numbers: ['+15551230001', '+15551230002'], callerId: '+15550001111', timeout: 20, timeLimit: 600, record: true },
    ]
    expect(render(view)).toBe(
      twiml((r) => {
        const dial = r.dial({
          action: ACTION,
          method: 'POST',
          timeout: 20,
          callerId: '+15550001111',
          timeLimit: 600,
          record: 'record-from-answer',
        })
        dial.number('+15551230001')
        dial.number('+15551230002')
      }),
    )
  })

  it('renders dial without the optional attributes', () => {
    expect(render([{ kind: 'dial', numbers: ['+15551230001'], timeout: 30, record: false }])).toBe(
      twiml((r) => r.dial({ action: ACTION, method: 'POST', timeout: 30 }).number('+15551230001')),
    )
  })

  it('renders record with transcription, then a redirect for empty recordings', () => {
    const view: View = [{ kind: 'record', maxLength: 120, timeout: 5, finishOnKey: '#', playBeep: true, transcribe: true }]
    const transcribeCallbackUrl = 'https://ivr.example.com/transcriptions?call=CA1&step=7'
    expect(render(view, { ...options, transcribeCallbackUrl })).toBe(
      twiml((r) => {
        r.record({
          action: ACTION,
          method: 'POST',
          maxLength: 120,
          timeout: 5,
          finishOnKey: '#',
          playBeep: true,
          transcribe: true,
          transcribeCallback: transcribeCallbackUrl,
        })
        r.redirect({ method: 'POST' }, ACTION)
      }),
    )
  })

  it('leaves transcribeCallback out when the record instruction does not transcribe', () => {
    const view: View = [{ kind: 'record', maxLength: 60, timeout: 3, finishOnKey: '', playBeep: false, transcribe: false }]
    expect(render(view, { ...options, transcribeCallbackUrl: 'https://x.example/t' })).toBe(
      twiml((r) => {
        r.record({ action: ACTION, method: 'POST', maxLength: 60, timeout: 3, finishOnKey: '', playBeep: false, transcribe: false })
        r.redirect({ method: 'POST' }, ACTION)
      }),
    )
  })

  it('renders enqueue with and without a wait url', () => {
    expect(render([{ kind: 'enqueue', queue: 'support' }])).toBe(
      twiml((r) => r.enqueue({ action: ACTION, method: 'POST' }, 'support')),
    )
    expect(render([{ kind: 'enqueue', queue: 'support', waitUrl: '/hold?music=jazz&loop=1' }])).toBe(
      twiml((r) => r.enqueue({ action: ACTION, method: 'POST', waitUrl: '/hold?music=jazz&loop=1' }, 'support')),
    )
  })

  it('renders hangup and redirect', () => {
    expect(render([{ kind: 'hangup' }])).toBe(twiml((r) => r.hangup()))
    expect(render([{ kind: 'redirect', url: '/flows/other?step=1&x=2', method: 'GET' }])).toBe(
      twiml((r) => r.redirect({ method: 'GET' }, '/flows/other?step=1&x=2')),
    )
  })
})

describe('renderTwiml: realistic views', () => {
  it('renders a greeting then a menu with nested say, pause and play', () => {
    const view: View = [
      { kind: 'say', text: 'Thanks for calling Acme.', voice: 'Polly.Joanna' },
      {
        kind: 'gather',
        input: ['dtmf'],
        timeout: 5,
        numDigits: 1,
        prompts: [
          { kind: 'say', text: 'For sales, press 1. For support, press 2.' },
          { kind: 'pause', seconds: 1 },
          { kind: 'play', url: 'menu-music.mp3' },
        ],
      },
    ]
    const renderOptions = { ...options, audioBaseUrl: 'https://cdn.example.com/a/', language: 'en-US' }
    expect(render(view, renderOptions)).toBe(
      twiml((r) => {
        r.say({ voice: 'Polly.Joanna', language: 'en-US' }, 'Thanks for calling Acme.')
        const gather = r.gather({ input: ['dtmf'], action: ACTION, method: 'POST', timeout: 5, numDigits: 1, actionOnEmptyResult: true })
        gather.say({ language: 'en-US' }, 'For sales, press 1. For support, press 2.')
        gather.pause({ length: 1 })
        gather.play('https://cdn.example.com/a/menu-music.mp3')
        r.redirect({ method: 'POST' }, ACTION)
      }),
    )
  })

  it('renders a speech gather with hints', () => {
    const view: View = [
      {
        kind: 'gather',
        input: ['speech'],
        timeout: 3,
        speechTimeout: 'auto',
        hints: 'balance, payment, $OOV_CLASS_DIGIT_SEQUENCE',
        language: 'en-US',
        prompts: [{ kind: 'say', text: 'In a few words, how can we help?', voice: 'Polly.Matthew-Neural' }],
      },
    ]
    expect(render(view)).toBe(
      twiml((r) => {
        r.gather({
          input: ['speech'],
          action: ACTION,
          method: 'POST',
          timeout: 3,
          speechTimeout: 'auto',
          hints: 'balance, payment, $OOV_CLASS_DIGIT_SEQUENCE',
          language: 'en-US',
          actionOnEmptyResult: true,
        }).say({ voice: 'Polly.Matthew-Neural' }, 'In a few words, how can we help?')
        r.redirect({ method: 'POST' }, ACTION)
      }),
    )
  })

  it('renders a transfer announcement then a two-number dial', () => {
    const view: View = [
      { kind: 'say', text: 'Connecting you now.' },
      { kind: 'dial', numbers: ['+15551230001', '+15551230002'], timeout: 25, record: false },
    ]
    expect(render(view)).toBe(
      twiml((r) => {
        r.say('Connecting you now.')
        const dial = r.dial({ action: ACTION, method: 'POST', timeout: 25 })
        dial.number('+15551230001')
        dial.number('+15551230002')
      }),
    )
  })

  it('renders a voicemail prompt, beep and transcribed recording', () => {
    const view: View = [
      { kind: 'say', text: 'Please leave a message after the tone.' },
      { kind: 'record', maxLength: 300, timeout: 10, finishOnKey: '1234567890*#', playBeep: true, transcribe: true },
    ]
    const transcribeCallbackUrl = 'https://ivr.example.com/transcribed'
    expect(render(view, { ...options, transcribeCallbackUrl })).toBe(
      twiml((r) => {
        r.say('Please leave a message after the tone.')
        r.record({
          action: ACTION,
          method: 'POST',
          maxLength: 300,
          timeout: 10,
          finishOnKey: '1234567890*#',
          playBeep: true,
          transcribe: true,
          transcribeCallback: transcribeCallbackUrl,
        })
        r.redirect({ method: 'POST' }, ACTION)
      }),
    )
  })

  it('renders a goodbye', () => {
    const view: View = [{ kind: 'say', text: 'Goodbye!' }, { kind: 'hangup' }]
    expect(render(view)).toBe(
      twiml((r) => {
        r.say('Goodbye!')
        r.hangup()
      }),
    )
  })
})

describe('renderApology', () => {
  it('says the default apology and hangs up', () => {
    const xml = renderApology()
    expect(checkTwiml(xml)).toEqual([])
    expect(xml).toBe(
      twiml((r) => {
        r.say(DEFAULT_APOLOGY)
        r.hangup()
      }),
    )
  })

  it('takes a custom message, voice and language', () => {
    const xml = renderApology('Lo sentimos & adiós', { voice: 'Polly.Lupe', language: 'es-US' })
    expect(checkTwiml(xml)).toEqual([])
    expect(xml).toBe(
      twiml((r) => {
        r.say({ voice: 'Polly.Lupe', language: 'es-US' }, 'Lo sentimos & adiós')
        r.hangup()
      }),
    )
  })

  it('falls back to the default when the message would say nothing', () => {
    expect(renderApology('  \u0000 ')).toBe(renderApology())
  })
})

// ---------------------------------------------------------------------------------------------
// Escaping and round trips

/** An independent parser configuration: entities (incl. character references) decoded by fast-xml-parser. */
const readBack = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  trimValues: false,
  parseTagValue: false,
  parseAttributeValue: false,
  htmlEntities: true,
})

interface ReadNode {
  name: string
  attributes: Record<string, string>
  text: string
}

/** Every element of the document in order, with its own decoded text. */
function elementsOf(xml: string): ReadNode[] {
  const out: ReadNode[] = []
  const walk = (nodes: Record<string, unknown>[]): void => {
    for (const node of nodes) {
      const name = Object.keys(node).find((key) => key !== ':@') ?? ''
      if (name === '#text' || name.startsWith('?')) continue
      const children = (node[name] ?? []) as Record<string, unknown>[]
      const text = children.map((child) => (typeof child['#text'] === 'string' ? child['#text'] : '')).join('')
      out.push({ name, attributes: (node[':@'] ?? {}) as Record<string, string>, text })
      walk(children)
    }
  }
  walk(readBack.parse(xml) as Record<string, unknown>[])
  return out
}

/** Independent of the renderer's regex: walks code points and keeps what XML 1.0 allows. */
function xmlLegal(text: string): string {
  let out = ''
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0
    const legal = code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) ||
      (code >= 0xe000 && code <= 0xfffd) || code >= 0x10000
    if (legal) out += char
  }
  return out
}

const HOSTILE_TEXTS = [
  '</Say><Dial>+15550000000</Dial><Say>',
  '" onload="x',
  "it's <b>bold</b> & \"quoted\"",
  'already escaped: &amp; &lt;Dial&gt; &#60;Dial&#62; &#x3C;',
  ']]><Hangup/><![CDATA[',
  '<?xml version="1.0"?><Response><Dial>+1</Dial></Response>',
  '<!-- comment --><!DOCTYPE x [<!ENTITY a "b">]>&a;',
  'tabs\tnew\nlines\r\ncarriage\rreturns',
]

describe('renderTwiml: caller-controlled text', () => {
  it.each(HOSTILE_TEXTS)('keeps %j inside its Say', (text) => {
    const xml = render([{ kind: 'say', text }, { kind: 'hangup' }])
    expect(xml).toBe(twiml((r) => {
      r.say(text)
      r.hangup()
    }))
    const elements = elementsOf(xml)
    expect(elements.map((e) => e.name)).toEqual(['Response', 'Say', 'Hangup'])
    expect(elements[1]?.text).toBe(text)
    expect(xml).not.toContain('<Dial')
  })

  it.each(HOSTILE_TEXTS)('keeps %j inside attribute values', (value) => {
    const view: View = [
      { kind: 'say', text: 'x', voice: value, language: value },
      { kind: 'gather', input: ['speech'], timeout: 5, hints: value, language: value, prompts: [] },
    ]
    const xml = render(view, { actionUrl: value })
    const elements = elementsOf(xml)
    expect(elements.map((e) => e.name)).toEqual(['Response', 'Say', 'Gather', 'Redirect'])
    expect(elements[1]?.attributes).toEqual({ voice: value, language: value })
    expect(Object.keys(elements[2]?.attributes ?? {})).toEqual(['input', 'action', 'method', 'timeout', 'hints', 'language', 'actionOnEmptyResult'])
    expect(elements[2]?.attributes).toMatchObject({ action: value, hints: value, language: value })
    expect(elements[3]?.text).toBe(value)
  })

  it('escapes & in urls in attributes and text', () => {
    const actionUrl = '/calls/step/3?a=1&b=2&amp=3'
    const xml = render(
      [
        { kind: 'play', url: 'https://cdn.example.com/a.mp3?sig=x&exp=1' },
        { kind: 'gather', input: ['dtmf'], timeout: 5, prompts: [] },
      ],
      { actionUrl },
    )
    expect(xml).toContain('<Play>https://cdn.example.com/a.mp3?sig=x&amp;exp=1</Play>')
    expect(xml).toContain('action="/calls/step/3?a=1&amp;b=2&amp;amp=3"')
    expect(elementsOf(xml).map((e) => e.attributes.action ?? e.text)).toEqual([
      '',
      'https://cdn.example.com/a.mp3?sig=x&exp=1',
      actionUrl,
      actionUrl,
    ])
  })

  it('drops characters XML 1.0 forbids and keeps everything else', () => {
    const text = 'a\u0000b\u0007c\u000Bd\u001Fe\uFFFEf\uFFFFg\uD800h\uDFFFi 😀 \u0085\u2028 tab\tlf\ncr\r.'
    const xml = render([{ kind: 'say', text, voice: `Polly.\u0001Joanna` }])
    expect(elementsOf(xml)[1]).toEqual({
      name: 'Say',
      attributes: { voice: 'Polly.Joanna' },
      text: 'abcdefghi 😀 \u0085\u2028 tab\tlf\ncr\r.',
    })
    expect(xml).toBe(twiml((r) => r.say({ voice: 'Polly.Joanna' }, xmlLegal(text))))
  })
})

// ---------------------------------------------------------------------------------------------
// Property: any view renders to a valid document that says exactly what it was given

/** Strings that lean towards trouble: markup, entities, controls, lone surrogates, astral chars. */
const anyText = fc.string({
  maxLength: 40,
  unit: fc.oneof(
    { weight: 4, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
    { weight: 2, arbitrary: fc.constantFrom('<', '>', '&', '"', "'", '\r', '\n', '\t', ']]>', '&amp;', '&#60;', '</Say>', '<Dial>') },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)) },
  ),
})
/** Text for elements that must say something (an empty Say is a problem checkTwiml reports). */
const someText = anyText.filter((text) => !/^[ \t\r\n]*$/.test(xmlLegal(text)))
const optionalText = fc.option(anyText, { nil: undefined })
const seconds = fc.integer({ min: 1, max: 600 })

const speechArb: fc.Arbitrary<Speech> = fc.oneof(
  fc.record(
    { kind: fc.constant('say' as const), text: someText, voice: optionalText, language: optionalText, loop: fc.option(fc.nat(5), { nil: undefined }) },
    { requiredKeys: ['kind', 'text'] },
  ),
  fc.record({ kind: fc.constant('play' as const), url: someText, loop: fc.option(fc.nat(5), { nil: undefined }) }, { requiredKeys: ['kind', 'url'] }),
  fc.record({ kind: fc.constant('pause' as const), seconds }),
)

const waitingArb: fc.Arbitrary<Instruction> = fc.oneof(
  fc.record(
    {
      kind: fc.constant('gather' as const),
      input: fc.constantFrom<('dtmf' | 'speech')[]>(['dtmf'], ['speech'], ['dtmf', 'speech']),
      timeout: seconds,
      numDigits: fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }),
      finishOnKey: fc.option(fc.constantFrom('', '#', '*', '0'), { nil: undefined }),
      speechTimeout: fc.option(fc.oneof(seconds, fc.constant('auto' as const)), { nil: undefined }),
      hints: optionalText,
      language: optionalText,
      prompts: fc.array(speechArb, { maxLength: 3 }),
    },
    { requiredKeys: ['kind', 'input', 'timeout', 'prompts'] },
  ),
  fc.record(
    { kind: fc.constant('dial' as const), numbers: fc.array(someText, { minLength: 1, maxLength: 3 }), callerId: optionalText, timeout: seconds, timeLimit: fc.option(seconds, { nil: undefined }), record: fc.boolean() },
    { requiredKeys: ['kind', 'numbers', 'timeout', 'record'] },
  ),
  fc.record({
    kind: fc.constant('record' as const),
    maxLength: seconds,
    timeout: fc.nat(30),
    finishOnKey: fc.constantFrom('', '#', '1234567890*#'),
    playBeep: fc.boolean(),
    transcribe: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('enqueue' as const), queue: someText, waitUrl: optionalText }, { requiredKeys: ['kind', 'queue'] }),
  fc.constant({ kind: 'hangup' as const }),
  fc.record({ kind: fc.constant('redirect' as const), url: someText, method: fc.constantFrom('GET' as const, 'POST' as const) }),
)

/** Views as the engine builds them: things to hear, then at most one waiting instruction, last. */
const viewArb: fc.Arbitrary<View> = fc
  .tuple(fc.array(speechArb, { maxLength: 4 }), fc.option(waitingArb, { nil: undefined }))
  .map(([speech, waiting]) => (waiting ? [...speech, waiting] : speech))

const optionsArb: fc.Arbitrary<TwimlOptions> = fc.record(
  { actionUrl: someText, transcribeCallbackUrl: optionalText, voice: optionalText, language: optionalText },
  { requiredKeys: ['actionUrl'] },
)

/** A second, deliberately plain statement of the mapping, written against the SDK. */
function oracle(view: View, o: TwimlOptions): string {
  const s = (text: string | undefined): string | undefined => (text === undefined ? undefined : xmlLegal(text) || undefined)
  const repeat = (loop: number | undefined): number | undefined => (loop !== undefined && loop > 1 ? loop : undefined)
  const speak = (target: Response | Prompts, speech: Speech): void => {
    if (speech.kind === 'say') {
      const attributes = { voice: s(speech.voice) ?? s(o.voice), language: s(speech.language) ?? s(o.language), loop: repeat(speech.loop) }
      target.say(attributes as SayAttributes, xmlLegal(speech.text))
    } else if (speech.kind === 'play') {
      target.play({ loop: repeat(speech.loop) }, xmlLegal(speech.url))
    } else {
      target.pause({ length: speech.seconds })
    }
  }
  const action = xmlLegal(o.actionUrl)
  return twiml((r) => {
    for (const i of view) {
      switch (i.kind) {
        case 'say':
        case 'play':
        case 'pause':
          speak(r, i)
          break
        case 'gather': {
          const g = r.gather({
            input: i.input, action, method: 'POST', timeout: i.timeout, numDigits: i.numDigits, finishOnKey: i.finishOnKey,
            speechTimeout: i.speechTimeout === undefined ? undefined : String(i.speechTimeout), hints: s(i.hints),
            language: s(i.language), actionOnEmptyResult: true,
          } as GatherAttributes)
          i.prompts.forEach((p) => speak(g, p))
          r.redirect({ method: 'POST' }, action)
          break
        }
        case 'dial': {
          const d = r.dial({ action, method: 'POST', timeout: i.timeout, callerId: s(i.callerId), timeLimit: i.timeLimit, record: i.record ? 'record-from-answer' : undefined })
          i.numbers.forEach((n) => d.number(xmlLegal(n)))
          break
        }
        case 'record':
          r.record({
            action, method: 'POST', maxLength: i.maxLength, timeout: i.timeout, finishOnKey: i.finishOnKey, playBeep: i.playBeep,
            transcribe: i.transcribe, transcribeCallback: i.transcribe ? s(o.transcribeCallbackUrl) : undefined,
          })
          r.redirect({ method: 'POST' }, action)
          break
        case 'enqueue':
          r.enqueue({ action, method: 'POST', waitUrl: s(i.waitUrl) }, xmlLegal(i.queue))
          break
        case 'hangup':
          r.hangup()
          break
        case 'redirect':
          r.redirect({ method: i.method }, xmlLegal(i.url))
          break
      }
    }
  })
}

/** The text each element should carry, in document order (empty for elements without text). */
function expectedTexts(view: View, o: TwimlOptions): string[] {
  const speechText = (p: Speech): string => (p.kind === 'say' ? p.text : p.kind === 'play' ? p.url : '')
  const texts = view.flatMap((i): string[] => {
    switch (i.kind) {
      case 'say':
      case 'play':
      case 'pause':
        return [speechText(i)]
      case 'gather':
        return ['', ...i.prompts.map(speechText), o.actionUrl]
      case 'dial':
        return ['', ...i.numbers]
      case 'record':
        return ['', o.actionUrl]
      case 'enqueue':
        return [i.queue]
      case 'hangup':
        return ['']
      case 'redirect':
        return [i.url]
    }
  })
  return ['', ...texts].map(xmlLegal)
}

describe('renderTwiml: property', () => {
  it('renders any view to a valid document equal to the SDK output that round-trips its text', () => {
    fc.assert(
      fc.property(viewArb, optionsArb, (view, o) => {
        const xml = renderTwiml(view, o)
        expect(checkTwiml(xml)).toEqual([])
        expect(xml).toBe(oracle(view, o))
        expect(elementsOf(xml).map((e) => e.text)).toEqual(expectedTexts(view, o))
      }),
      { numRuns: 400 },
    )
  })

  it('round-trips arbitrary attribute values', () => {
    fc.assert(
      fc.property(anyText, anyText, (voice, actionUrl) => {
        const xml = renderTwiml([{ kind: 'say', text: 'x', voice }, { kind: 'enqueue', queue: 'q', waitUrl: voice }], { actionUrl })
        expect(checkTwiml(xml)).toEqual([])
        const [, say, enqueue] = elementsOf(xml)
        expect(say?.attributes.voice).toBe(xmlLegal(voice) || undefined)
        expect(enqueue?.attributes).toEqual({ action: xmlLegal(actionUrl), method: 'POST', ...(xmlLegal(voice) ? { waitUrl: xmlLegal(voice) } : {}) })
      }),
      { numRuns: 300 },
    )
  })
})

// ---------------------------------------------------------------------------------------------
// Long say text: Twilio rejects a <Say> over its voice's limit (error 13521), so it is split

const LIMITS = { basic: 4096, polly: 3000, google: 5000 } as const

/** Breaking whitespace, as the splitter sees it (no-break spaces and the BOM join words). */
const isSplitSpace = (char: string): boolean => /\s/.test(char) && !/[\u00A0\u2007\u202F\uFEFF]/.test(char)

/**
 * Asserts the pieces, joined with the whitespace between them in `text`, give `text` back, and
 * returns those separators (one per gap between pieces).
 */
function separatorsOf(text: string, pieces: readonly string[]): string[] {
  const separators: string[] = []
  let pos = 0
  pieces.forEach((piece, index) => {
    const from = pos
    while (pos < text.length && isSplitSpace(text[pos]!)) pos++
    if (index > 0) separators.push(text.slice(from, pos))
    expect(piece).not.toBe('')
    expect(text.startsWith(piece, pos)).toBe(true)
    pos += piece.length
  })
  expect([...text.slice(pos)].every(isSplitSpace)).toBe(true)
  return separators
}

function saysOf(xml: string): ReadNode[] {
  return elementsOf(xml).filter((e) => e.name === 'Say')
}

/** Sentences of ordinary words, cut to exactly `length` characters at a word end. */
function prose(length: number, seed = 0): string {
  const words = ['your', 'account', 'balance', 'is', 'forty', 'two', 'dollars', 'and', 'the', 'next', 'payment', 'due']
  let text = ''
  for (let i = seed; text.length < length; i++) text += `${words[i % words.length]}${i % 9 === 8 ? '.' : ''} `
  return `${text.slice(0, length - 1)}.`
}

describe('renderTwiml: long say text', () => {
  it('splits a 5,000-character say for a basic voice at sentence ends, keeping the attributes', () => {
    const text = prose(5000)
    const say: Speech = { kind: 'say', text, language: 'en-GB', loop: 2 }
    const xml = render([say, { kind: 'hangup' }])
    const pieces = saysOf(xml)
    expect(pieces.length).toBe(2)
    for (const piece of pieces) {
      expect([...piece.text].length).toBeLessThanOrEqual(LIMITS.basic)
      expect(piece.attributes).toEqual({ language: 'en-GB', loop: '2' })
    }
    expect(pieces[0]?.text.endsWith('.')).toBe(true)
    expect(separatorsOf(text, pieces.map((p) => p.text))).toEqual([' '])
    expect(xml).toBe(twiml((r) => {
      for (const piece of pieces) r.say({ language: 'en-GB', loop: 2 } as SayAttributes, piece.text)
      r.hangup()
    }))
  })

  it('cuts a single 5,000-character word (a hostile CRM name) only because nothing else fits', () => {
    const name = 'Ж'.repeat(4000) + '😀'.repeat(1000)
    const text = `Hello ${name}, welcome back.`
    const xml = render([{ kind: 'say', text }])
    const pieces = saysOf(xml).map((p) => p.text)
    expect(pieces.map((p) => [...p].length)).toEqual([5, LIMITS.basic, 5000 - LIMITS.basic + ', welcome back.'.length])
    expect(separatorsOf(text, pieces)).toEqual([' ', ''])
    expect(xml).toBe(twiml((r) => pieces.forEach((p) => r.say(p))))
  })

  it('uses the Polly limit for a Polly voice, including a default voice', () => {
    const text = prose(5000, 3)
    for (const [view, renderOptions] of [
      [[{ kind: 'say', text, voice: 'Polly.Joanna' }], options],
      [[{ kind: 'say', text }], { ...options, voice: 'Polly.Joanna' }],
    ] as Array<[View, TwimlOptions]>) {
      const xml = render(view, renderOptions)
      const pieces = saysOf(xml)
      expect(pieces.length).toBe(2)
      for (const piece of pieces) {
        expect([...piece.text].length).toBeLessThanOrEqual(LIMITS.polly)
        expect(piece.attributes).toEqual({ voice: 'Polly.Joanna' })
      }
      expect(separatorsOf(text, pieces.map((p) => p.text)).every((s) => s !== '')).toBe(true)
      expect(xml).toBe(twiml((r) => pieces.forEach((p) => r.say({ voice: 'Polly.Joanna' }, p.text))))
    }
  })

  it('splits a 12,000-character say inside a gather into several says inside that gather', () => {
    const text = prose(12_000, 5)
    const xml = render([{ kind: 'gather', input: ['dtmf'], timeout: 5, numDigits: 1, prompts: [{ kind: 'say', text }, { kind: 'pause', seconds: 1 }] }])
    const names = elementsOf(xml).map((e) => e.name)
    expect(names).toEqual(['Response', 'Gather', 'Say', 'Say', 'Say', 'Pause', 'Redirect'])
    const pieces = saysOf(xml).map((p) => p.text)
    for (const piece of pieces) expect([...piece].length).toBeLessThanOrEqual(LIMITS.basic)
    expect(separatorsOf(text, pieces).every((s) => s !== '')).toBe(true)
    expect(xml).toBe(twiml((r) => {
      const g = r.gather({ input: ['dtmf'], action: ACTION, method: 'POST', timeout: 5, numDigits: 1, actionOnEmptyResult: true })
      pieces.forEach((p) => g.say(p))
      g.pause({ length: 1 })
      r.redirect({ method: 'POST' }, ACTION)
    }))
  })

  it('leaves a say exactly at the limit alone', () => {
    const text = 'a'.repeat(LIMITS.google)
    expect(render([{ kind: 'say', text, voice: 'Google.en-US-Standard-C' }])).toBe(twiml((r) => r.say({ voice: 'Google.en-US-Standard-C' } as SayAttributes, text)))
  })

  it('splits any long text into valid says that give the text back, mid-word only for over-long words', () => {
    const unit = fc.constantFrom('a', 'Z', 'é', '😀', '&', '<', '>', '"', "'", ']]>', '\u00A0', '\u0001', '.', '!', '?')
    const word = fc.string({ unit, minLength: 1, maxLength: 8 })
    // At most one word longer than any limit, to be cut; more would push the document past 64 kB.
    const longWord = fc.option(fc.string({ unit: fc.constantFrom('x', '😀'), minLength: 2500, maxLength: 5500 }), { nil: undefined })
    const space = fc.constantFrom(' ', ' ', ' ', '\n', '\t', '  ', '\r\n', '\u2003')
    const textArb = fc
      .tuple(fc.array(fc.tuple(word, space), { minLength: 400, maxLength: 1400 }), longWord, fc.nat(), space, space)
      .map(([parts, long, at, lead, trail]) => {
        const words = parts.map(([w, s]) => w + s)
        if (long !== undefined) words.splice(at % words.length, 0, `${long} `)
        return lead + words.join('') + trail
      })
    const voiceArb = fc.constantFrom(undefined, 'alice', 'Polly.Joanna', 'Google.en-US-Standard-C')
    fc.assert(
      fc.property(textArb, voiceArb, fc.boolean(), (raw, voice, inGather) => {
        const say: Speech = voice === undefined ? { kind: 'say', text: raw } : { kind: 'say', text: raw, voice }
        const view: View = inGather ? [{ kind: 'gather', input: ['speech'], timeout: 5, prompts: [say] }] : [say]
        const xml = renderTwiml(view, options)
        expect(checkTwiml(xml)).toEqual([])
        const text = xmlLegal(raw)
        const limit = voice?.startsWith('Polly.') ? LIMITS.polly : voice?.startsWith('Google.') ? LIMITS.google : LIMITS.basic
        const pieces = saysOf(xml).map((p) => p.text)
        if ([...text].length <= limit) {
          expect(pieces).toEqual([text])
          return
        }
        const separators = separatorsOf(text, pieces)
        pieces.forEach((piece, i) => {
          expect([...piece].length).toBeLessThanOrEqual(limit)
          // A piece ends without whitespace after it only when a word filled it completely.
          if (separators[i] === '') expect([...piece].length).toBe(limit)
        })
        const sayAttributes = (voice === undefined ? {} : { voice }) as SayAttributes
        expect(xml).toBe(twiml((r) => {
          const target = inGather ? r.gather({ input: ['speech'], action: ACTION, method: 'POST', timeout: 5, actionOnEmptyResult: true }) : r
          pieces.forEach((p) => target.say(sayAttributes, p))
          if (inGather) r.redirect({ method: 'POST' }, ACTION)
        }))
      }),
      { numRuns: 60 },
    )
  })
})
