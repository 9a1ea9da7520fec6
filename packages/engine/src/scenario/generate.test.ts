import { readFileSync } from 'node:fs'
import { stringify } from 'yaml'
import { describe, expect, it } from 'vitest'
import { compileFlow } from '../compile/compile.ts'
import type { CompiledFlow } from '../compile/compile.ts'
import { localParts } from '../hours/hours.ts'
import { flowFrom } from '../step/testing.ts'
import { loadFlow } from '../validate/validate.ts'
import { coverage } from './coverage.ts'
import { generatePaths, inputWitness, regexCandidates } from './generate.ts'
import type { GeneratedPaths } from './generate.ts'
import { loadTests } from './load.ts'
import { runScenario } from './run.ts'
import type { Scenario, ScenarioStep } from './schema.ts'

const FLOWS = new URL('../../../../flows/', import.meta.url)

function example(id: string): CompiledFlow {
  const file = new URL(`${id}.yaml`, FLOWS)
  const loaded = loadFlow(readFileSync(file, 'utf8'), `flows/${id}.yaml`)
  if (!loaded.ok) throw new Error(`flows/${id}.yaml is invalid`)
  return compileFlow(loaded)
}

/** Runs every generated scenario; returns the failures and the coverage they reach together. */
async function check(compiled: CompiledFlow, generated: GeneratedPaths) {
  const results = await Promise.all(generated.scenarios.map((s) => runScenario(compiled, s)))
  const failures = results.filter((r) => !r.ok).map((r) => ({ name: r.name, failure: r.failure }))
  return { failures, coverage: coverage(compiled, results.map((r) => r.taken)) }
}

async function expectFullCoverage(compiled: CompiledFlow): Promise<GeneratedPaths> {
  const generated = generatePaths(compiled)
  const { failures, coverage: c } = await check(compiled, generated)
  expect(failures).toEqual([])
  expect(generated.uncovered).toEqual([])
  expect(generated.problems).toEqual([])
  expect(c.missed).toEqual([])
  expect(c.percent).toBe(100)
  return generated
}

const actions = (s: Scenario): ScenarioStep[] => s.steps.filter((step) => !('expect' in step))
const named = (g: GeneratedPaths, name: string): Scenario => {
  const found = g.scenarios.find((s) => s.name === name)
  if (found === undefined) throw new Error(`no scenario "${name}" in ${g.scenarios.map((s) => s.name).join(' | ')}`)
  return found
}

describe('generatePaths on the example flows', () => {
  for (const id of ['support', 'secretary', 'appointment-reminder', 'fan-voicemail', 'verify']) {
    it(`${id}: every generated scenario passes and together they take every transition`, async () => {
      const generated = await expectFullCoverage(example(id))
      expect(new Set(generated.scenarios.map((s) => s.name)).size).toBe(generated.scenarios.length)
    })
  }

  it('every scenario expects where the call is, and what was said, after each caller action, and ends resting or hung up', () => {
    const compiled = example('support')
    for (const scenario of generatePaths(compiled).scenarios) {
      const steps = scenario.steps
      expect(steps[0]).toHaveProperty('expect.node')
      steps.forEach((step, i) => {
        if (!('expect' in step)) expect(steps[i + 1]).toHaveProperty('expect.node')
      })
      const last = steps.at(-1)!
      expect('expect' in last).toBe(true)
      if (!('expect' in last)) continue
      const node = compiled.flow.nodes[last.expect.node!]
      if (last.expect.hangup === true) expect(node?.type === 'hangup' || last.expect.node?.startsWith('$')).toBe(true)
      else expect(['menu', 'input', 'dial', 'record', 'enqueue']).toContain(node?.type)
    }
  })

  it('support: readable names, hours found by scanning, a CRM body for the gold branch, +81 for the Tokyo desk', async () => {
    const generated = await expectFullCoverage(example('support'))
    const closed = named(generated, 'office-hours closed → after-hours')
    expect(closed.at).toBe('2026-11-25T06:00:00-06:00')
    const gold = named(generated, 'route: vars.customer.tier equals gold → priority')
    expect(gold.mocks?.http?.lookup).toEqual({ status: 200, body: { tier: 'gold' } })
    expect(localParts(new Date(gold.at!), 'America/Chicago').hour).toBeGreaterThanOrEqual(8)
    const japan = named(generated, 'route: call.from startsWith +81 → japan-desk')
    expect(japan.call?.from).toMatch(/^\+81\d+$/)
    expect(actions(named(generated, 'main-menu: press 1 → sales'))[0]).toEqual({ press: '1' })
    expect(named(generated, 'lookup: request fails → support-queue').mocks?.http?.lookup).toEqual({ error: 'timeout' })
    const account = named(generated, 'account: invalid entry ×3 → support-queue')
    expect(actions(account)).toEqual([{ press: '2' }, { press: '12345' }, { press: '12345' }, { press: '12345' }])
    expect(account.steps.at(-1)).toEqual({ expect: { node: 'support-queue', prompt: 'All of our agents are helping other callers.' } })
  })

  it('secretary: two hours nodes get one clock that satisfies both', async () => {
    const generated = await expectFullCoverage(example('secretary'))
    const night = named(generated, 'night: press 1 → wake')
    const tokyo = localParts(new Date(night.at!), 'Asia/Tokyo')
    expect(tokyo.hour >= 23 || tokyo.hour < 9).toBe(true)
    expect(night.steps[0]).toEqual({ expect: { node: 'night', prompt: expect.stringMatching(/^It is .* in Tokyo, and Ken is asleep\.$/) } })
  })

  it('the scenarios survive a round trip through YAML and loadTests', async () => {
    const compiled = example('fan-voicemail')
    const generated = generatePaths(compiled)
    const text = stringify({ flow: 'fan-voicemail', tests: generated.scenarios }, { aliasDuplicateObjects: false })
    const loaded = loadTests(text, 'flows/fan-voicemail.test.yaml')
    expect(loaded.problems).toEqual([])
    expect(loaded.tests?.tests).toEqual(generated.scenarios)
    const results = await Promise.all(loaded.tests!.tests.map((s) => runScenario(compiled, s)))
    expect(results.every((r) => r.ok)).toBe(true)
  })
})

describe('generatePaths on small flows', () => {
  it('a speech-only menu: says a word that selects each choice', async () => {
    const compiled = flowFrom(`
      flow: speech
      start: ask
      nodes:
        ask:
          type: menu
          input: speech
          prompt: Say sales or support.
          choices:
            "1": { goto: sales, words: [sales, buy] }
            "2": { goto: support, words: [sales support, support] }
            "3": { goto: bye, words: [goodbye] }
          onFailure: bye
        sales: { type: hangup, prompt: Sales. }
        support: { type: hangup, prompt: Support. }
        bye: { type: hangup, prompt: Bye. }
    `, 'flows/speech.yaml')
    const generated = await expectFullCoverage(compiled)
    const steps = generated.scenarios.flatMap(actions)
    expect(steps.some((s) => 'press' in s)).toBe(false)
    expect(steps).toEqual(expect.arrayContaining([{ speak: 'sales' }, { speak: 'support' }, { speak: 'goodbye' }, { speak: 'something else' }, { noInput: true }]))
    expect(named(generated, 'ask: say "sales" → sales').steps).toEqual([
      { expect: { node: 'ask', prompt: 'Say sales or support.' } },
      { speak: 'sales' },
      { expect: { node: 'sales', hangup: true, prompt: 'Sales.' } },
    ])
  })

  it('an input with a pattern: a witness built from the pattern, and an entry it rejects', async () => {
    const compiled = flowFrom(`
      flow: member
      start: number
      nodes:
        number:
          type: input
          prompt: Enter your member number.
          saveAs: member
          pattern: "4[0-9]{5}"
          noMatch: That is not a member number.
          onFailure: bye
          next: ok
        ok: { type: hangup, prompt: "Welcome, member {{ vars.member }}." }
        bye: { type: hangup, prompt: Bye. }
    `, 'flows/member.yaml')
    const generated = await expectFullCoverage(compiled)
    const presses = generated.scenarios.flatMap(actions).flatMap((s) => ('press' in s ? [String(s.press)] : []))
    expect(presses.filter((p) => /^4\d{5}$/.test(p))).not.toEqual([])
    expect(presses.filter((p) => !/^4\d{5}$/.test(p))).not.toEqual([])
    expect(regexCandidates('4[0-9]{5}')[0]).toBe('423456')
    expect(inputWitness({ minDigits: 1, maxDigits: 20, pattern: '(12|34)+9' })).toBe('129')
    expect(inputWitness({ minDigits: 8, maxDigits: 8, pattern: '\\d+' })).toBe('12345678')
    expect(inputWitness({ minDigits: 1, maxDigits: 3, pattern: '[0-9]{5}' })).toBeUndefined()
  })

  it('a branch on call.from: a caller from +81, and one from elsewhere', async () => {
    const compiled = flowFrom(`
      flow: desks
      start: route
      nodes:
        route:
          type: branch
          cases:
            - when: { var: call.from, startsWith: "+81" }
              goto: tokyo
          else: home
        tokyo: { type: hangup, prompt: Konnichiwa. }
        home: { type: hangup, prompt: Hello. }
    `, 'flows/desks.yaml')
    const generated = await expectFullCoverage(compiled)
    expect(named(generated, 'route: call.from startsWith +81 → tokyo').call).toEqual({ from: '+81123456789' })
    expect(named(generated, 'route: else → home').call).toBeUndefined()
  })

  it('a branch on an http body with in and greaterThan: mock bodies built from the conditions', async () => {
    const compiled = flowFrom(`
      flow: crm
      start: lookup
      nodes:
        lookup:
          type: http
          url: https://crm.example.com/customers/{{ call.from }}
          saveAs: customer
          next: route
          onError: main
        route:
          type: branch
          cases:
            - when: { var: vars.customer.tier, in: [gold, platinum] }
              goto: vip
            - when: { var: vars.customer.balance, greaterThan: 1000 }
              goto: collections
          else: main
        vip: { type: hangup, prompt: Welcome back. }
        collections: { type: hangup, prompt: Please pay. }
        main: { type: hangup, prompt: Hello. }
    `, 'flows/crm.yaml')
    const generated = await expectFullCoverage(compiled)
    expect(named(generated, 'route: vars.customer.tier in [gold, platinum] → vip').mocks?.http?.lookup).toEqual({ status: 200, body: { tier: 'gold' } })
    const collections = named(generated, 'route: vars.customer.balance greaterThan 1000 → collections').mocks?.http?.lookup
    expect(collections).toEqual({ status: 200, body: { balance: 1001 } })
    expect(named(generated, 'lookup: request fails → main').mocks?.http?.lookup).toEqual({ error: 'timeout' })
  })

  it('nested all / any / not: witness data for each case, the earlier cases kept false', async () => {
    const compiled = flowFrom(`
      flow: nested
      vars: { blocked: false }
      start: route
      nodes:
        route:
          type: branch
          cases:
            - when:
                all:
                  - any: [{ var: call.from, startsWith: "+44" }, { var: call.callerName, equals: VIP }]
                  - not: { var: vars.blocked, equals: true }
              goto: uk
            - when: { not: { any: [{ var: vars.level, lessThan: 3 }, { var: vars.level, exists: false }] } }
              goto: senior
            - when: { all: [{ var: vars.blocked, equals: true }, { not: { var: call.to, matches: "^\\\\+1" } }] }
              goto: blocked
          else: main
        uk: { type: hangup, prompt: Hello from the UK desk. }
        senior: { type: hangup, prompt: Senior desk. }
        blocked: { type: hangup, prompt: Blocked. }
        main: { type: hangup, prompt: Main desk. }
    `, 'flows/nested.yaml')
    const generated = await expectFullCoverage(compiled)
    const byTarget = (to: string) => generated.scenarios.find((s) => s.steps.some((step) => 'expect' in step && step.expect.node === to))!
    expect(byTarget('uk').call).toEqual({ from: '+44123456789' })
    expect(byTarget('senior').vars).toEqual({ level: 3 })
    const blocked = byTarget('blocked')
    expect(blocked.vars?.blocked).toBe(true)
    expect(blocked.call).toEqual({ to: 'none' })
    expect(byTarget('main').call).toBeUndefined()
  })

  it('hours with holidays: the closed outcome is found on the holiday', async () => {
    const compiled = flowFrom(`
      flow: always-open
      start: open
      nodes:
        open:
          type: hours
          timezone: Europe/Berlin
          hours: { daily: "00:00-24:00" }
          holidays: ["2026-12-25"]
          open: hello
          closed: holiday
        hello: { type: hangup, prompt: Hello. }
        holiday: { type: hangup, prompt: Merry Christmas. }
    `, 'flows/always-open.yaml')
    const generated = await expectFullCoverage(compiled)
    const closed = named(generated, 'open closed → holiday')
    expect(localParts(new Date(closed.at!), 'Europe/Berlin').date).toBe('2026-12-25')
    expect(closed.at).toMatch(/\+01:00$/)
    expect(named(generated, 'open open → hello').at).toBe('2026-11-25T13:00:00+01:00')
  })

  it('a branch on a variable a set node fixes: reported in uncovered with the reason', async () => {
    const compiled = flowFrom(`
      flow: fixed
      start: defaults
      nodes:
        defaults:
          type: set
          vars: { tier: basic }
          next: route
        route:
          type: branch
          cases:
            - when: { var: vars.tier, equals: gold }
              goto: vip
          else: main
        vip: { type: hangup, prompt: Welcome back. }
        main: { type: hangup, prompt: Hello. }
    `, 'flows/fixed.yaml')
    const generated = generatePaths(compiled)
    expect(generated.uncovered).toEqual([{
      transition: 'route --case:0--> vip',
      reason: 'vars.tier is set by set node "defaults" to the constant "basic" before the branch, so test data cannot change it',
    }])
    const { failures, coverage: c } = await check(compiled, generated)
    expect(failures).toEqual([])
    expect(c.missed).toEqual(['route --case:0--> vip'])
  })

  it('an impossible pattern, and a loop longer than the search, are reported with their reasons', () => {
    const compiled = flowFrom(`
      flow: loop
      vars: { n: 0 }
      start: ask
      nodes:
        ask:
          type: menu
          prompt: "Round {{ vars.n }}. Press 1 to go again, 2 to enter a code."
          choices: { "1": count, "2": code }
          onFailure: bye
        count:
          type: set
          vars: { n: "{{ vars.n | plus: 1 }}" }
          next: check
        check:
          type: branch
          cases:
            - when: { var: vars.n, greaterThan: 100 }
              goto: bye
          else: ask
        code:
          type: input
          prompt: Enter the code.
          saveAs: code
          maxDigits: 3
          pattern: "[0-9]{5}"
          onFailure: bye
          next: bye
        bye: { type: hangup, prompt: Bye. }
    `, 'flows/loop.yaml')
    const { uncovered, scenarios } = generatePaths(compiled, { maxActions: 6 })
    expect(uncovered).toEqual([
      { transition: 'check --case:0--> bye', reason: expect.stringMatching(/^vars\.n is set by set node "count" from a template before the branch, so test data cannot change it \(the search stopped at 6 caller actions per test and \d+ states\)$/) },
      { transition: 'code --next--> bye', reason: 'no entry of 1-3 digits matching /[0-9]{5}/ was found' },
    ])
    expect(scenarios.every((s) => actions(s).length <= 6)).toBe(true)
  })

  it('a node behind an unreachable case is reported as never reached', () => {
    const compiled = flowFrom(`
      flow: fixed-menu
      start: defaults
      nodes:
        defaults: { type: set, vars: { tier: basic }, next: route }
        route:
          type: branch
          cases:
            - when: { var: vars.tier, equals: gold }
              goto: vip
          else: main
        vip:
          type: menu
          prompt: Press 1.
          choices: { "1": main }
          maxNoInput: 1
          maxNoMatch: 1
          onFailure: main
        main: { type: hangup, prompt: Hello. }
    `, 'flows/fixed-menu.yaml')
    const { uncovered } = generatePaths(compiled)
    expect(uncovered.map((u) => u.transition)).toEqual(['route --case:0--> vip', 'vip --noInput:exhausted--> main', 'vip --choice:1--> main', 'vip --noMatch:exhausted--> main'])
    expect(uncovered.slice(1).map((u) => u.reason)).toEqual(Array(3).fill('"vip" is never reached'))
  })

  it('branches on what the caller entered or recorded change the caller\'s actions, and start variables come from vars', async () => {
    const compiled = flowFrom(`
      flow: pin
      vars: { language: en }
      start: pin
      nodes:
        pin:
          type: input
          prompt: Enter your PIN.
          saveAs: pin
          minDigits: 4
          maxDigits: 4
          onFailure: bye
          next: check
        check:
          type: branch
          cases:
            - when: { var: vars.pin, equals: "0000" }
              goto: reset
            - when: { var: vars.language, equals: fr }
              goto: french
          else: message
        reset: { type: hangup, prompt: Please choose a new PIN. }
        french: { type: hangup, prompt: Bonjour. }
        message:
          type: record
          prompt: Leave a message.
          saveAs: message
          next: long
        long:
          type: branch
          cases:
            - when: { var: vars.message.duration, greaterThan: 60 }
              goto: thanks-long
          else: bye
        thanks-long: { type: hangup, prompt: What a long message. }
        bye: { type: hangup, prompt: Bye. }
    `, 'flows/pin.yaml')
    const generated = await expectFullCoverage(compiled)
    expect(actions(named(generated, 'check: vars.pin equals 0000 → reset'))).toEqual([{ press: '0000' }])
    expect(named(generated, 'check: vars.language equals fr → french').vars).toEqual({ language: 'fr' })
    expect(actions(named(generated, 'long: vars.message.duration greaterThan 60 → thanks-long')).at(-1)).toEqual({ record: { url: 'https://example.com/recordings/RE0001.mp3', duration: 61 } })
  })

  it('a second request to an http node gets its own answer: a list of mocks', async () => {
    const compiled = flowFrom(`
      flow: retry
      start: init
      nodes:
        init:
          type: set
          vars: { failedBefore: "no" }
          next: ask
        ask:
          type: menu
          prompt: Press 1 to check your order.
          choices: { "1": fetch }
          onFailure: bye
        fetch:
          type: http
          url: https://shop.example.com/order
          saveAs: order
          next: status
          onError: failed
        failed:
          type: set
          vars: { failedBefore: "yes" }
          next: ask
        status:
          type: branch
          cases:
            - when: { all: [{ var: vars.failedBefore, equals: "yes" }, { var: vars.order.shipped, equals: true }] }
              goto: sorry-shipped
          else: bye
        sorry-shipped: { type: hangup, prompt: Sorry for the wait. Your order is on its way. }
        bye: { type: hangup, prompt: Bye. }
    `, 'flows/retry.yaml')
    const generated = await expectFullCoverage(compiled)
    const shipped = named(generated, 'status: case 1 → sorry-shipped')
    expect(shipped.mocks?.http?.fetch).toEqual([{ error: 'timeout' }, { status: 200, body: { shipped: true } }])
    expect(actions(shipped)).toEqual([{ press: '1' }, { press: '1' }])
  })
})
