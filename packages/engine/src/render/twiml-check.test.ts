import twilio from 'twilio'
import { describe, expect, it } from 'vitest'
import { MAX_BODY_BYTES, checkTwiml, parseTwiml } from './twiml-check.ts'

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'
const doc = (verbs: string): string => `${DECLARATION}<Response>${verbs}</Response>`

describe('checkTwiml: valid documents', () => {
  it.each([
    ['an empty response', `${DECLARATION}<Response/>`],
    ['a say and a hangup', doc('<Say voice="Polly.Joanna" language="en-US" loop="2">Hi</Say><Hangup/>')],
    [
      'a gather with nested prompts and the fall-through redirect',
      doc(
        '<Gather input="dtmf speech" action="/a?x=1&amp;y=2" method="POST" timeout="5" numDigits="1" finishOnKey="" ' +
          'speechTimeout="auto" hints="a, b" language="en-US" actionOnEmptyResult="true">' +
          '<Say>Press 1</Say><Pause length="1"/><Play loop="0">https://a.example/x.mp3</Play></Gather>' +
          '<Redirect method="POST">/a</Redirect>',
      ),
    ],
    ['a dial with two numbers', doc('<Dial action="/a" timeout="20" record="record-from-answer"><Number>+1555</Number><Number>+1666</Number></Dial>')],
    ['a dial to a bare number', doc('<Dial>+15551234567</Dial>')],
    ['a dial to a conference', doc('<Dial><Conference>room-1</Conference></Dial>')],
    ['a record with a key set', doc('<Record action="/a" maxLength="60" timeout="0" finishOnKey="1234567890*#" playBeep="false" transcribe="true" transcribeCallback="/t"/>')],
    ['an enqueue', doc('<Enqueue action="/a" waitUrl="/hold">support</Enqueue>')],
    ['an enqueue routed by TaskRouter', doc('<Enqueue workflowSid="WW123"><Task>{"lang":"en"}</Task></Enqueue>')],
    ['a play that only sends digits', doc('<Play digits="1w2#"/>')],
    ['a say with SSML', doc('<Say voice="Polly.Joanna">Hello <break time="1s"/><prosody rate="slow">there <say-as interpret-as="digits">123</say-as></prosody></Say>')],
    ['a reject', doc('<Reject reason="busy"/>')],
    ['character references and CDATA', doc('<Say>a &#x26; b &#60; &apos;c&apos; &quot;d&quot; <![CDATA[<not markup> & fine]]></Say>')],
    ['a pretty-printed document', `${DECLARATION}\n<Response>\n  <Say>Hi</Say>\n  <Hangup/>\n</Response>\n`],
    ['a Say of exactly 4096 characters', doc(`<Say>${'a'.repeat(4096)}</Say>`)],
    ['a Polly Say of exactly 3000 characters', doc(`<Say voice="Polly.Amy">${'a'.repeat(3000)}</Say>`)],
  ])('accepts %s', (_name, xml) => {
    expect(checkTwiml(xml)).toEqual([])
  })

  it('accepts what the twilio SDK builds for the verbs Phonetree uses', () => {
    const response = new twilio.twiml.VoiceResponse()
    response.say({ voice: 'alice', loop: 2 }, 'Welcome & hello <friend>')
    const gather = response.gather({ input: ['dtmf', 'speech'], action: '/g?a=1&b=2', method: 'POST', timeout: 3, numDigits: 2, actionOnEmptyResult: true })
    gather.play('https://x.example/a.mp3')
    gather.pause({ length: 2 })
    response.redirect({ method: 'POST' }, '/g?a=1&b=2')
    expect(checkTwiml(response.toString())).toEqual([])
  })
})

describe('checkTwiml: document rules', () => {
  it('reports XML that is not well-formed', () => {
    expect(checkTwiml(doc('<Say>Hi</Response>'))).toEqual([
      "document: not well-formed XML: Expected closing tag 'Say' (opened in line 1, col 49) instead of closing tag 'Response'. (line 1, column 56)",
    ])
    expect(checkTwiml(doc('<Say>a < b</Say>'))[0]).toMatch(/^document: not well-formed XML: /)
    expect(checkTwiml(doc('<Say>a & b</Say>'))[0]).toMatch(/^document: not well-formed XML: /)
  })

  it('requires the XML declaration, first thing in the body', () => {
    expect(checkTwiml('<Response><Hangup/></Response>')).toEqual([
      'document: missing XML declaration (<?xml version="1.0" encoding="UTF-8"?>) at the start',
    ])
    expect(checkTwiml(` \n${doc('<Hangup/>')}`)).toContain('document: whitespace before the XML declaration (it must be the very first thing)')
    expect(checkTwiml(`<?xml version="1.0" encoding="ISO-8859-1"?><Response/>`)).toEqual([
      'document: the XML declaration must declare encoding="UTF-8"',
    ])
  })

  it('requires exactly one root, and that it is <Response>', () => {
    expect(checkTwiml(`${DECLARATION}<Response/><Response/>`)).toEqual([
      'document: expected exactly one root element <Response>, found 2 (<Response>, <Response>)',
    ])
    expect(checkTwiml(`${DECLARATION}<response><Hangup/></response>`)).toEqual([
      'document: the root element must be <Response>, found <response>',
    ])
    expect(checkTwiml(`${DECLARATION}<Response/>trailing`)).toEqual(['document: text outside the root element'])
    expect(checkTwiml(`${DECLARATION}leading<Response/>`)).toEqual([
      "document: not well-formed XML: char 'l' is not expected. (line 1, column 39)",
    ])
    expect(checkTwiml(`${DECLARATION}<Response foo="1"/>`)).toEqual(['Response: attribute "foo" is not allowed'])
  })

  it('limits the body to 64 kB of UTF-8', () => {
    // Four Says of 4000 three-byte characters: each Say is within its limit, the body is not.
    const say = `<Say>${'€'.repeat(4000)}</Say>`
    const xml = doc(say.repeat(6))
    const bytes = new TextEncoder().encode(xml).length
    expect(bytes).toBeGreaterThan(MAX_BODY_BYTES)
    expect(checkTwiml(xml)).toEqual([`document: body is ${bytes} bytes, over Twilio's 64 kB limit (65536 bytes)`])
  })

  it('reports characters XML 1.0 forbids', () => {
    expect(checkTwiml(doc('<Say>a\u0001b</Say>'))).toEqual(['document: character U+0001 at offset 54 is not allowed in XML 1.0'])
    expect(checkTwiml(doc('<Say>a\uD800b</Say>'))).toEqual(['document: character U+D800 at offset 54 is not allowed in XML 1.0'])
  })

  it('reports undefined entities, illegal character references and raw < in attributes', () => {
    expect(checkTwiml(doc('<Say>a &nbsp; b</Say>'))).toEqual(['Say: invalid entity reference "&nbsp;" (escape "&" as "&amp;")'])
    expect(checkTwiml(doc('<Say>a &#1; b</Say>'))).toEqual(['Say: invalid entity reference "&#1;" (escape "&" as "&amp;")'])
    expect(checkTwiml(doc('<Redirect method="POST">/a?x=1&y=2</Redirect>'))[0]).toMatch(/^document: not well-formed XML/)
    expect(checkTwiml(doc('<Gather action="/a?x=1&y=2"/>'))).toEqual([
      'Gather: attribute "action": invalid entity reference "&y" (escape "&" as "&amp;")',
    ])
    expect(checkTwiml(doc('<Say voice="a<b">x</Say>'))).toEqual(['Say: attribute "voice" contains a raw "<"'])
  })

  it('reports verbs that can never run', () => {
    expect(checkTwiml(doc('<Hangup/><Say>Bye</Say>'))).toEqual(['Response: <Say> after <Hangup> is never reached'])
    expect(checkTwiml(doc('<Redirect>/a</Redirect><Pause length="1"/>'))).toEqual(['Response: <Pause> after <Redirect> is never reached'])
  })
})

describe('checkTwiml: nesting', () => {
  it('allows only voice verbs at the top level', () => {
    const allowed = 'allowed: Say, Play, Pause, Gather, Dial, Record, Enqueue, Hangup, Redirect, Reject, Leave'
    expect(checkTwiml(doc('<Connect><Stream url="wss://x"/></Connect>'))).toEqual([
      `Response: element <Connect> is not allowed inside <Response> (${allowed})`,
    ])
    expect(checkTwiml(doc('<say>Hi</say>'))).toEqual([`Response: element <say> is not allowed inside <Response> (${allowed})`])
    expect(checkTwiml(doc('<Number>+1</Number>'))).toEqual([`Response: element <Number> is not allowed inside <Response> (${allowed})`])
  })

  it('allows only Say, Play and Pause inside Gather', () => {
    expect(checkTwiml(doc('<Gather><Say>Hi</Say><Dial>+1</Dial><Gather/></Gather>'))).toEqual([
      'Gather: element <Dial> is not allowed inside <Gather> (allowed: Say, Play, Pause)',
      'Gather: element <Gather> is not allowed inside <Gather> (allowed: Say, Play, Pause)',
    ])
    expect(checkTwiml(doc('<Gather>Press 1</Gather>'))).toEqual(['Gather: unexpected text "Press 1"'])
  })

  it('allows only nouns inside Dial, and never a Conference or Queue alongside others', () => {
    expect(checkTwiml(doc('<Dial><Say>Hi</Say><Number>+1</Number></Dial>'))).toEqual([
      'Dial: element <Say> is not allowed inside <Dial> (allowed: Number, Client, Sip, Queue, Conference)',
    ])
    expect(checkTwiml(doc('<Dial><Number>+1</Number><Conference>room</Conference></Dial>'))).toEqual([
      'Dial: <Conference> cannot be combined with other nouns (found Number, Conference)',
    ])
    expect(checkTwiml(doc('<Dial><Queue>support</Queue><Number>+1</Number></Dial>'))).toEqual([
      'Dial: <Queue> cannot be combined with other nouns (found Queue, Number)',
    ])
    expect(checkTwiml(doc('<Dial>+1<Number>+2</Number></Dial>'))).toEqual(['Dial: a number given as text cannot be combined with nouns'])
    expect(checkTwiml(doc('<Dial action="/a"/>'))).toEqual(['Dial: nothing to dial (add a <Number> or another noun)'])
  })

  it('allows no elements inside leaf verbs', () => {
    expect(checkTwiml(doc('<Play><Say>x</Say>https://a/b.mp3</Play>'))).toEqual([
      'Play: element <Say> is not allowed inside <Play> (it takes no elements)',
    ])
    expect(checkTwiml(doc('<Say>Hi <Pause length="1"/></Say>'))).toEqual([
      'Say: element <Pause> is not allowed inside <Say> (allowed: break, emphasis, lang, p, phoneme, prosody, s, say-as, sub, w)',
    ])
  })
})

describe('checkTwiml: attributes', () => {
  it.each([
    ['Gather', '<Gather foo="1"/>'],
    ['Say', '<Say action="/a">x</Say>'],
    ['Pause', '<Pause loop="2"/>'],
    ['Hangup', '<Hangup reason="busy"/>'],
    ['Dial', '<Dial statusCallbackEvent="answered">+1</Dial>'],
    ['Record', '<Record numDigits="1"/>'],
    ['Enqueue', '<Enqueue timeout="5">q</Enqueue>'],
    ['Redirect', '<Redirect action="/b">/a</Redirect>'],
    ['Play', '<Play voice="man">x.mp3</Play>'],
  ])('rejects an attribute %s does not have', (verb, xml) => {
    const attribute = /<\w+ (\w+)=/.exec(xml)?.[1]
    expect(checkTwiml(doc(xml))).toEqual([`${verb}: attribute "${attribute}" is not allowed`])
  })

  it('checks attributes of nouns and nested verbs with their path', () => {
    expect(checkTwiml(doc('<Dial><Number foo="1">+1</Number></Dial>'))).toEqual(['Dial > Number: attribute "foo" is not allowed'])
    expect(checkTwiml(doc('<Gather><Say loop="-1">x</Say></Gather>'))).toEqual([
      'Gather > Say: attribute "loop" must be a non-negative integer, got "-1"',
    ])
  })

  it.each([
    ['<Pause length="0"/>', 'Pause: attribute "length" must be a positive integer, got "0"'],
    ['<Pause length="1.5"/>', 'Pause: attribute "length" must be a positive integer, got "1.5"'],
    ['<Gather timeout="0"/>', 'Gather: attribute "timeout" must be a positive integer, got "0"'],
    ['<Gather timeout="five"/>', 'Gather: attribute "timeout" must be a positive integer, got "five"'],
    ['<Gather numDigits="0"/>', 'Gather: attribute "numDigits" must be a positive integer, got "0"'],
    ['<Gather finishOnKey="##"/>', 'Gather: attribute "finishOnKey" must be one of 0-9, #, * or empty, got "##"'],
    ['<Gather finishOnKey="a"/>', 'Gather: attribute "finishOnKey" must be one of 0-9, #, * or empty, got "a"'],
    ['<Gather input="voice"/>', 'Gather: attribute "input" must be dtmf, speech or "dtmf speech", got "voice"'],
    ['<Gather input="dtmf,speech"/>', 'Gather: attribute "input" must be dtmf, speech or "dtmf speech", got "dtmf,speech"'],
    ['<Gather input="dtmf dtmf"/>', 'Gather: attribute "input" must be dtmf, speech or "dtmf speech", got "dtmf dtmf"'],
    ['<Gather method="PUT"/>', 'Gather: attribute "method" must be GET or POST, got "PUT"'],
    ['<Gather method="post"/>', 'Gather: attribute "method" must be GET or POST, got "post"'],
    ['<Gather actionOnEmptyResult="yes"/>', 'Gather: attribute "actionOnEmptyResult" must be true or false, got "yes"'],
    ['<Gather speechTimeout="soon"/>', 'Gather: attribute "speechTimeout" must be a positive integer or auto, got "soon"'],
    ['<Gather partialResultCallbackMethod="PATCH"/>', 'Gather: attribute "partialResultCallbackMethod" must be GET or POST, got "PATCH"'],
    ['<Say loop="-1">x</Say>', 'Say: attribute "loop" must be a non-negative integer, got "-1"'],
    ['<Play loop="x">a.mp3</Play>', 'Play: attribute "loop" must be a non-negative integer, got "x"'],
    ['<Redirect method="DELETE">/a</Redirect>', 'Redirect: attribute "method" must be GET or POST, got "DELETE"'],
    ['<Dial timeout="0">+1</Dial>', 'Dial: attribute "timeout" must be a positive integer, got "0"'],
    ['<Dial record="yes">+1</Dial>', 'Dial: attribute "record" must be one of do-not-record, record-from-answer, record-from-ringing, record-from-answer-dual, record-from-ringing-dual, true, false, got "yes"'],
    ['<Record finishOnKey="#a"/>', 'Record: attribute "finishOnKey" must contain only 0-9, # and *, got "#a"'],
    ['<Record playBeep="1"/>', 'Record: attribute "playBeep" must be true or false, got "1"'],
    ['<Record maxLength="0"/>', 'Record: attribute "maxLength" must be a positive integer, got "0"'],
    ['<Enqueue waitUrlMethod="PUT">q</Enqueue>', 'Enqueue: attribute "waitUrlMethod" must be GET or POST, got "PUT"'],
    ['<Reject reason="nope"/>', 'Reject: attribute "reason" must be one of rejected, busy, got "nope"'],
  ])('checks the value in %s', (xml, message) => {
    expect(checkTwiml(doc(xml))).toEqual([message])
  })
})

describe('checkTwiml: text', () => {
  it.each([
    ['Say', '<Say></Say>'],
    ['Say', '<Say> \n\t</Say>'],
    ['Play', '<Play loop="2"/>'],
    ['Redirect', '<Redirect method="POST"/>'],
    ['Enqueue', '<Enqueue action="/a"/>'],
    ['Dial > Number', '<Dial><Number/></Dial>'],
  ])('requires text in %s', (path, xml) => {
    expect(checkTwiml(doc(xml))).toEqual([`${path}: text is empty`])
  })

  it('limits Say text by voice family', () => {
    expect(checkTwiml(doc(`<Say>${'a'.repeat(4097)}</Say>`))).toEqual(['Say: text is 4097 characters, over the limit of 4096'])
    expect(checkTwiml(doc(`<Say voice="Polly.Joanna-Neural">${'a'.repeat(3001)}</Say>`))).toEqual([
      'Say: text is 3001 characters, over the limit of 3000 for voice "Polly.Joanna-Neural"',
    ])
    expect(checkTwiml(doc(`<Say voice="Google.en-US-Standard-C">${'a'.repeat(5000)}</Say>`))).toEqual([])
    expect(checkTwiml(doc(`<Gather><Say voice="man">${'é'.repeat(4097)}</Say></Gather>`))).toEqual([
      'Gather > Say: text is 4097 characters, over the limit of 4096 for voice "man"',
    ])
  })

  it('counts decoded characters, not markup, towards the Say limit', () => {
    expect(checkTwiml(doc(`<Say>${'&amp;'.repeat(4096)}</Say>`))).toEqual([])
    expect(checkTwiml(doc(`<Say>${'😀'.repeat(4096)}</Say>`))).toEqual([])
    expect(checkTwiml(doc(`<Say>${'a<break/>'.repeat(4096)}</Say>`))).toEqual([])
  })
})

describe('parseTwiml', () => {
  it('returns the tree with decoded text and attributes', () => {
    expect(parseTwiml(doc('<Say voice="a&amp;b">x &lt; y &#x1F600;</Say><Hangup/>'))).toEqual({
      name: 'Response',
      attributes: {},
      children: [
        { name: 'Say', attributes: { voice: 'a&b' }, children: [{ text: 'x < y 😀' }] },
        { name: 'Hangup', attributes: {}, children: [] },
      ],
    })
  })

  it('throws on documents it cannot read', () => {
    expect(() => parseTwiml(doc('<Say>'))).toThrow(/not well-formed XML/)
    expect(() => parseTwiml(`${DECLARATION}<Foo/>`)).toThrow('document: the root element must be <Response>, found <Foo>')
  })
})
