import type { Conversion, NodeInput } from './context.ts'
import type { StudioWidget } from './definition.ts'
import { nextOf, numberProp, textProp, transitionFor } from './definition.ts'
import { anyOfValues, studioConditionHolds } from './conditions.ts'
import { varNameFrom } from './names.ts'
import { wholePath } from './paths.ts'

/**
 * Gather Input On Call, and the splits that read its answer, as one Phonetree `menu` or
 * `input` node.
 *
 * Studio spreads what Phonetree's menu does over several widgets: the gather says the prompt
 * and collects keys or speech; a split on `{{widgets.G.Digits}}` (keys) or
 * `{{widgets.G.SpeechResult}}` (speech) picks the way; the gather's `timeout` and the split's
 * `noMatch` lead wherever the designer wired them, often back to the gather, sometimes through
 * a "Sorry" say-play, sometimes through a counter (`set-variables` count + 1, then a split on
 * the count). This module recognises those shapes:
 *
 * - a split on Digits whose conditions are all `equal_to` / `matches_any_of` keypad keys
 *   becomes the menu's `choices` (several values → several keys to the same node);
 * - a split on SpeechResult with `contains` / `matches_any_of` / `equal_to` becomes `words`
 *   on the choices (joined to the key choice that goes to the same place);
 * - a failure path back to the gather through a counter becomes `maxNoInput` / `maxNoMatch`
 *   (or `maxAttempts` when both share the counter) and `onNoInput` / `onNoMatch` / `onFailure`,
 *   with any "Sorry" say-plays on the way back as the `noInput` / `noMatch` prompts;
 * - anything else is translated literally: one attempt (`maxNoInput: 1`) and the failure edge
 *   to wherever Studio went, which behaves exactly like Studio (entering a menu again plays the
 *   prompt again).
 *
 * A gather whose keys do not go to such a split (a split with `regex` or ranges, or any other
 * widget) becomes an `input` node saving the digits as `vars.<gather>`; a split after it
 * becomes a `branch` on that variable.
 */

export interface GatherPlan {
  mode: 'menu' | 'input'
  /** The split on Digits folded into the menu's choices. */
  keySplit?: StudioWidget
  /** The split on SpeechResult folded into the choices' words. */
  speechSplit?: StudioWidget
}

const KEYPAD = /^[0-9*#]+$/
const MAX_RETRIES = 10
const MAX_SAYS = 5

/**
 * Decides how a gather converts (see the top of this module) and records what its variables
 * become; the splits folded into it are marked merged. Call for every gather before
 * converting any widget, so that templates elsewhere read the right paths.
 *
 * @example planGather(conversion, gather) // { mode: 'menu', keySplit: split_key_press }
 */
export function planGather(cx: Conversion, g: StudioWidget): GatherPlan {
  const keyNext = cx.widget(nextOf(transitionFor(g, 'keypress')))
  const speechNext = cx.widget(nextOf(transitionFor(g, 'speech')))
  const readsOnly = (split: StudioWidget | undefined, field: string) =>
    split !== undefined && split.type === 'split-based-on' && wholePath(textProp(split, 'input') ?? '') === `widgets.${g.name}.${field}` && cx.onlyFrom(split.name, [g.name])
  const keySplit = readsOnly(keyNext, 'Digits') && menuKeys(keyNext!) !== undefined ? keyNext : undefined
  const speechSplit = readsOnly(speechNext, 'SpeechResult') && speechWords(speechNext!) !== undefined ? speechNext : undefined
  const keysWired = keyNext !== undefined
  const plan: GatherPlan = keySplit !== undefined || (!keysWired && speechSplit !== undefined)
    ? { mode: 'menu', ...(keySplit !== undefined ? { keySplit } : {}), ...(speechSplit !== undefined ? { speechSplit } : {}) }
    : { mode: 'input' }
  for (const split of [plan.keySplit, plan.speechSplit]) if (split !== undefined) cx.merged.add(split.name)
  // The widgets a choice leads to read the menu's answer (input.*) before anything replaces it.
  const routes = [...(plan.keySplit !== undefined ? menuKeys(plan.keySplit) ?? [] : []), ...(plan.speechSplit !== undefined ? speechWords(plan.speechSplit) ?? [] : [])]
  cx.menuTargets.set(g.name, new Set(routes.flatMap((r) => (r.next !== undefined ? [r.next] : []))))
  cx.outputs.set(g.name, plan.mode === 'menu' ? { kind: 'menu' } : { kind: 'input', saveAs: varNameFrom(g.name) })
  return plan
}

/**
 * The menu or input node for a planned gather.
 *
 * @example convertGather(conversion, gather, plan) // { type: 'menu', prompt: '…', choices: { '1': 'sales' }, … }
 */
export function convertGather(cx: Conversion, g: StudioWidget, plan: GatherPlan): NodeInput {
  const prompt = gatherPrompt(cx, g)
  const timeout = clampTimeout(cx, g)
  const common = {
    prompt,
    ...cx.voice(g),
    ...(timeout !== undefined ? { timeout } : {}),
  }
  const speechNext = nextOf(transitionFor(g, 'speech'))
  if (plan.mode === 'input') {
    if (speechNext !== undefined) cx.warn(g, `its speech transition (to "${speechNext}") is not converted: Phonetree takes speech in menus, with words for each choice, and this gather's keys do not lead to a split Phonetree can turn into a menu`)
    const digits = numberProp(g, 'number_of_digits')
    const folded = new Set<string>()
    const failure = failureFields(cx, g, classify(cx, g, nextOf(transitionFor(g, 'timeout'))), 'noInput', undefined, folded)
    const { maxNoInput, onNoInput } = failure.fields
    const node: NodeInput = {
      type: 'input',
      ...describe(g, [...folded]),
      ...common,
      saveAs: varNameFrom(g.name),
      ...(digits !== undefined && digits >= 1 && digits <= 64 ? { maxDigits: Math.round(digits) } : {}),
      ...finishOnKey(cx, g),
      // Studio hands any entry to the keypress transition and has no "wrong entry"; the rare
      // entry Phonetree refuses (longer than maxDigits) is treated like the timeout.
      ...(failure.prompts !== undefined ? { noInput: failure.prompts, noMatch: failure.prompts } : {}),
      maxNoInput,
      maxNoMatch: maxNoInput,
      next: cx.target(nextOf(transitionFor(g, 'keypress')), g),
      onNoInput,
      onNoMatch: onNoInput,
    }
    return collapseFailureEdges(node)
  }
  const { choices, input } = menuChoices(cx, g, plan)
  const noMatchSplit = plan.keySplit ?? plan.speechSplit!
  if (plan.keySplit !== undefined && plan.speechSplit !== undefined) {
    const keys = nextOf(transitionFor(plan.keySplit, 'noMatch'))
    const speech = nextOf(transitionFor(plan.speechSplit, 'noMatch'))
    if (keys !== speech) cx.warn(g, `wrong keys go to "${keys ?? 'the end'}" but unrecognised speech to "${speech ?? 'the end'}"; Phonetree has one no-match path, so both go to "${keys ?? 'the end'}"`)
  }
  const noInput = classify(cx, g, nextOf(transitionFor(g, 'timeout')))
  const noMatch = classify(cx, g, nextOf(transitionFor(noMatchSplit, 'noMatch')))
  const folded = new Set<string>()
  const failures = menuFailures(cx, g, noInput, noMatch, folded)
  const hints = textProp(g, 'hints')
  const speechTimeout = textProp(g, 'speech_timeout')
  const node: NodeInput = {
    type: 'menu',
    ...describe(g, [plan.keySplit?.name, plan.speechSplit?.name, ...folded].filter((n) => n !== undefined)),
    ...common,
    choices,
    ...(input !== 'dtmf' ? { input } : {}),
    ...(input !== 'dtmf' && hints !== undefined && hints.trim() !== '' ? { hints: hints.trim() } : {}),
    ...(input !== 'dtmf' && speechTimeout !== undefined ? speechTimeoutField(speechTimeout) : {}),
    ...failures,
  }
  return collapseFailureEdges(node)
}

// Choices ------------------------------------------------------------------------------------

interface KeyRoute {
  keys: string[]
  next: string | undefined
}

interface WordRoute {
  words: string[]
  next: string | undefined
}

/** The keys of each `match` transition of a split on Digits, or undefined when any is not a plain key list. */
function menuKeys(split: StudioWidget): KeyRoute[] | undefined {
  const routes: KeyRoute[] = []
  for (const t of split.transitions) {
    if (t.event !== 'match') continue
    const [condition, ...more] = t.conditions ?? []
    if (condition === undefined || more.length > 0) return undefined
    const value = condition.value ?? ''
    const keys = condition.type === 'equal_to' ? [value.trim()] : condition.type === 'matches_any_of' ? anyOfValues(value) : undefined
    if (keys === undefined || keys.length === 0 || !keys.every((k) => KEYPAD.test(k))) return undefined
    routes.push({ keys, next: nextOf(t) })
  }
  const all = [...new Set(routes.flatMap((r) => r.keys))]
  // A key that starts another ("1" and "10") would wait for the timeout: not a menu.
  if (all.some((k) => all.some((other) => other !== k && other.startsWith(k)))) return undefined
  return routes.length > 0 ? routes : undefined
}

/** The words of each `match` transition of a split on SpeechResult, or undefined when a condition is not about words. */
function speechWords(split: StudioWidget): WordRoute[] | undefined {
  const routes: WordRoute[] = []
  for (const t of split.transitions) {
    if (t.event !== 'match') continue
    const [condition, ...more] = t.conditions ?? []
    if (condition === undefined || more.length > 0) return undefined
    const value = condition.value ?? ''
    if (value.includes('{{')) return undefined
    const words = condition.type === 'matches_any_of' ? anyOfValues(value) : condition.type === 'contains' || condition.type === 'equal_to' ? [value.trim()] : undefined
    if (words === undefined || words.some((w) => w === '' || w.length > 100)) return undefined
    routes.push({ words, next: nextOf(t) })
  }
  return routes.length > 0 ? routes : undefined
}

type MenuChoice = string | { goto: string; words?: string[] }

function menuChoices(cx: Conversion, g: StudioWidget, plan: GatherPlan): { choices: Record<string, MenuChoice>; input: 'dtmf' | 'speech' | 'dtmf speech' } {
  const choices: Record<string, MenuChoice> = {}
  const keyed = plan.keySplit !== undefined
  for (const route of plan.keySplit !== undefined ? menuKeys(plan.keySplit) ?? [] : []) {
    for (const key of route.keys) {
      if (key in choices) {
        cx.warn(g, `key ${key} appears in more than one condition of "${plan.keySplit!.name}"; the first wins, as in Studio`)
        continue
      }
      choices[key] = cx.target(route.next, plan.keySplit!)
    }
  }
  const owners = new Map<string, string>()
  for (const route of plan.speechSplit !== undefined ? speechWords(plan.speechSplit) ?? [] : []) {
    const goto = cx.target(route.next, plan.speechSplit!)
    let key = Object.keys(choices).find((k) => choiceTarget(choices[k]!) === goto)
    if (key === undefined) {
      key = freeKey(choices, keyed)
      if (key === undefined) {
        cx.warn(g, `no key is left for the speech choice to "${goto}"; it is not converted`)
        continue
      }
      if (keyed) cx.warn(g, `the speech choice to "${goto}" has no key in Studio; it is choice "${key}" here, so pressing ${key} also selects it`)
    }
    const words = route.words.filter((word) => {
      const owner = owners.get(word.toLowerCase())
      if (owner !== undefined && owner !== key) {
        cx.warn(g, `the word "${word}" leads to two places; the first condition wins, as in Studio`)
        return false
      }
      owners.set(word.toLowerCase(), key!)
      return true
    })
    const current = choices[key]
    const before = current === undefined || typeof current === 'string' ? [] : current.words ?? []
    const merged = [...before, ...words.filter((w) => !before.some((b) => b.toLowerCase() === w.toLowerCase()))]
    choices[key] = merged.length > 0 ? { goto, words: merged } : goto
  }
  const speech = plan.speechSplit !== undefined
  const speechNext = nextOf(transitionFor(g, 'speech'))
  if (!speech && speechNext !== undefined) cx.warn(g, `its speech transition (to "${speechNext}") is not converted: Phonetree menus match speech by words, and "${speechNext}" is not a split on SpeechResult with contains / matches_any_of / equal_to conditions`)
  return { choices, input: keyed && speech ? 'dtmf speech' : speech ? 'speech' : 'dtmf' }
}

function choiceTarget(choice: MenuChoice): string {
  return typeof choice === 'string' ? choice : choice.goto
}

/**
 * An unused single key for a choice Studio reached by speech only. In a menu that also takes
 * keys it should be one a caller is unlikely to press by mistake (9 down to 0, then * and #);
 * in a speech-only menu no one presses it, so 1, 2, 3… keep the choices in Studio's order.
 */
function freeKey(choices: Record<string, MenuChoice>, keyed: boolean): string | undefined {
  const used = Object.keys(choices)
  const keys = keyed ? ['9', '8', '7', '6', '5', '4', '3', '2', '1', '0', '*', '#'] : ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '*', '#']
  return keys.find((k) => !used.some((u) => u.startsWith(k) || k.startsWith(u)))
}

// Failures -----------------------------------------------------------------------------------

type EventPromptInput = Extract<NodeInput, { type: 'menu' }>['noInput']
type PromptInput = Extract<NodeInput, { type: 'say' }>['prompt']

/** What Studio does after a timeout or a wrong answer. */
type Failure =
  /** Goes somewhere else (or nowhere: `to` undefined ends the flow). */
  | { kind: 'leave'; to: string | undefined }
  /** Comes back to the gather, maybe through say-plays, with no limit. */
  | { kind: 'retry'; via: string; prompts: PromptInput[] }
  /** Comes back through a counter: `max` failures lead to `exit`; before that, back with `prompts[n]`. */
  | { kind: 'counted'; counter: string; max: number; exit: string | undefined; prompts: PromptInput[][]; folded: string[] }

/** Follows say-play widgets from `start`; returns them and the first widget that is not one. */
function throughSays(cx: Conversion, start: string | undefined): { says: StudioWidget[]; reached: string | undefined } {
  const says: StudioWidget[] = []
  let at = start
  while (at !== undefined && says.length < MAX_SAYS) {
    const widget = cx.widget(at)
    if (widget?.type !== 'say-play' || textProp(widget, 'digits') !== undefined) break
    says.push(widget)
    at = nextOf(transitionFor(widget, 'audioComplete'))
  }
  return { says, reached: at }
}

function classify(cx: Conversion, g: StudioWidget, start: string | undefined): Failure {
  if (start === undefined) return { kind: 'leave', to: undefined }
  const path = throughSays(cx, start)
  if (path.reached === g.name) return { kind: 'retry', via: start, prompts: saysPrompts(cx, path.says) }
  if (path.says.length === 0) {
    const counted = countedRetry(cx, g, start)
    if (counted !== undefined) return counted
  }
  return { kind: 'leave', to: start }
}

/**
 * A counter on the way back: `set-variables` with one variable set to
 * `{{flow.variables.v | plus: 1}}`, then a split on `{{flow.variables.v}}`. Works out, for the
 * 1st, 2nd, … failure, whether the split leads back to the gather or away.
 */
function countedRetry(cx: Conversion, g: StudioWidget, start: string): Failure | undefined {
  const counter = cx.widget(start)
  if (counter?.type !== 'set-variables') return undefined
  const variables = counter.properties.variables
  if (!Array.isArray(variables) || variables.length !== 1) return undefined
  const only = variables[0] as { key?: unknown; value?: unknown }
  if (typeof only.key !== 'string' || typeof only.value !== 'string') return undefined
  const name = only.key
  const increment = new RegExp(`^\\s*\\{\\{\\s*flow\\.variables\\.${escapeRegex(name)}\\s*\\|\\s*plus\\s*:\\s*1\\s*\\}\\}\\s*$`)
  if (!increment.test(only.value)) return undefined
  const split = cx.widget(nextOf(transitionFor(counter, 'next')))
  if (split?.type !== 'split-based-on' || wholePath(textProp(split, 'input') ?? '') !== `flow.variables.${name}` || !cx.onlyFrom(split.name, [counter.name])) return undefined
  const prompts: PromptInput[][] = []
  const folded = new Set([counter.name, split.name])
  for (let count = 1; count <= MAX_RETRIES; count++) {
    const next = splitTarget(split, String(count))
    if (next === null) return undefined
    const path = throughSays(cx, next)
    if (path.reached !== g.name) return { kind: 'counted', counter: counter.name, max: count, exit: next, prompts, folded: [...folded] }
    prompts.push(saysPrompts(cx, path.says))
    for (const say of path.says) folded.add(say.name)
  }
  return undefined
}

/** Where a split sends a value, as Studio decides; null when it cannot tell (a date condition). */
function splitTarget(split: StudioWidget, value: string): string | undefined | null {
  for (const t of split.transitions) {
    if (t.event !== 'match') continue
    const holds = (t.conditions ?? []).map((c) => studioConditionHolds(c, value))
    if (holds.includes(undefined)) return null
    if (holds.length > 0 && holds.every((h) => h === true)) return nextOf(t)
  }
  return nextOf(transitionFor(split, 'noMatch'))
}

function saysPrompts(cx: Conversion, says: StudioWidget[]): PromptInput[] {
  return says.map((say) => cx.prompt(say)).filter((p): p is PromptInput => p !== undefined)
}

interface FailureFields {
  fields: {
    maxNoInput?: number
    onNoInput?: string
    maxNoMatch?: number
    onNoMatch?: string
    maxAttempts?: number
    onFailure?: string
  }
  prompts?: EventPromptInput
}

/** The fields for one kind of failure (`noInput` or `noMatch`) of a menu or input node. */
function failureFields(cx: Conversion, g: StudioWidget, failure: Failure, kind: 'noInput' | 'noMatch', other: Failure | undefined, folded: Set<string>): FailureFields {
  const max = kind === 'noInput' ? 'maxNoInput' : 'maxNoMatch'
  const on = kind === 'noInput' ? 'onNoInput' : 'onNoMatch'
  const what = kind === 'noInput' ? 'the timeout' : 'a wrong answer'
  switch (failure.kind) {
    case 'leave':
      return { fields: { [max]: 1, [on]: cx.target(failure.to, g) } }
    case 'counted': {
      fold(cx, failure.folded, folded)
      const prompts = eventPrompts(failure.prompts)
      return { fields: { [max]: failure.max, [on]: cx.target(failure.exit, g) }, ...(prompts !== undefined ? { prompts } : {}) }
    }
    case 'retry':
      if (other?.kind === 'counted') {
        // Going back into the menu would reset the other kind's count, which Studio's counter
        // variable does not do; asking again within the menu keeps it.
        cx.warn(g, `${what} goes back to "${g.name}" without a counter; Phonetree asks again up to ${MAX_RETRIES} times in a row, then starts "${g.name}" over`)
        fold(cx, sayNames(cx, failure.via, g), folded)
        const prompts = eventPrompts(Array.from({ length: MAX_RETRIES - 1 }, () => failure.prompts))
        return { fields: { [max]: MAX_RETRIES, [on]: g.name === failure.via ? cx.ids.forWidget(g.name) : cx.target(failure.via, g) }, ...(prompts !== undefined ? { prompts } : {}) }
      }
      cx.warn(g, `${what} goes back to "${g.name}" without a counter, so the caller is asked again without limit, as in Studio; consider ${max} and ${on} (see docs/migrating-from-studio.md)`)
      return { fields: { [max]: 1, [on]: cx.target(failure.via, g) } }
  }
}

function menuFailures(cx: Conversion, g: StudioWidget, noInput: Failure, noMatch: Failure, folded: Set<string>): Record<string, unknown> {
  if (noInput.kind === 'counted' && noMatch.kind === 'counted' && noInput.counter === noMatch.counter) {
    // One counter for both kinds of failure: Phonetree's maxAttempts.
    fold(cx, [...noInput.folded, ...noMatch.folded], folded)
    const inputPrompts = eventPrompts(noInput.prompts)
    const matchPrompts = eventPrompts(noMatch.prompts)
    return {
      ...(inputPrompts !== undefined ? { noInput: inputPrompts } : {}),
      ...(matchPrompts !== undefined ? { noMatch: matchPrompts } : {}),
      ...(noInput.max !== 3 ? { maxNoInput: noInput.max, maxNoMatch: noInput.max } : {}),
      maxAttempts: noInput.max,
      onFailure: cx.target(noInput.exit, g),
    }
  }
  const input = failureFields(cx, g, noInput, 'noInput', noMatch, folded)
  const match = failureFields(cx, g, noMatch, 'noMatch', noInput, folded)
  return {
    ...(input.prompts !== undefined ? { noInput: input.prompts } : {}),
    ...(match.prompts !== undefined ? { noMatch: match.prompts } : {}),
    ...input.fields,
    ...match.fields,
  }
}

/**
 * Records widgets whose behaviour now lives in the menu (a counter, its split, the "Sorry" on
 * the way back): named in the menu's description, and dropped as nodes if nothing else leads
 * to them.
 */
function fold(cx: Conversion, widgets: readonly string[], folded: Set<string>): void {
  for (const name of widgets) {
    folded.add(name)
    cx.absorbable.add(cx.ids.forWidget(name))
  }
}

function sayNames(cx: Conversion, start: string, g: StudioWidget): string[] {
  return throughSays(cx, start === g.name ? undefined : start).says.map((s) => s.name)
}

/**
 * Count-indexed prompts from the say-plays on each retry: one prompt when every retry says the
 * same, else a list (Phonetree repeats the last one); undefined when no retry says anything.
 */
function eventPrompts(byCount: PromptInput[][]): EventPromptInput | undefined {
  const one = (prompts: PromptInput[]): PromptInput | undefined => {
    if (prompts.length === 0) return undefined
    if (prompts.length === 1) return prompts[0]
    return prompts.flatMap((p) => (typeof p === 'string' ? [{ say: p }] : p))
  }
  const each = byCount.map(one)
  if (each.every((p) => p === undefined)) return undefined
  const texts = each.map((p) => JSON.stringify(p ?? ''))
  if (texts.every((t) => t === texts[0])) return each[0]!
  let end = each.length
  while (end > 1 && texts[end - 1] === texts[end - 2]) end--
  return each.slice(0, end).map((p) => p ?? '')
}

/** A description naming the Studio widgets a node stands for, when it stands for more than one. */
function describe(g: StudioWidget, folded: readonly string[]): { description?: string } {
  return folded.length > 0 ? { description: `Studio widgets ${[g.name, ...folded].join(', ')}` } : {}
}

/** `onFailure` instead of `onNoInput` and `onNoMatch` when both go to the same node. */
function collapseFailureEdges(node: NodeInput): NodeInput {
  if (node.type !== 'menu' && node.type !== 'input') return node
  if (node.onNoInput !== undefined && node.onNoInput === node.onNoMatch && node.onFailure === undefined) {
    const { onNoInput, onNoMatch: _, ...rest } = node
    return { ...rest, onFailure: onNoInput }
  }
  return node
}

// Properties ---------------------------------------------------------------------------------

function gatherPrompt(cx: Conversion, g: StudioWidget): PromptInput {
  const prompt = cx.prompt(g)
  const loops = cx.loops(g)
  if (prompt === undefined) return ''
  if (typeof prompt === 'string' && loops > 1) return Array.from({ length: loops }, () => ({ say: prompt }))
  return prompt
}

function clampTimeout(cx: Conversion, g: StudioWidget): number | undefined {
  const timeout = numberProp(g, 'timeout')
  if (timeout === undefined || timeout === 5) return undefined
  const clamped = Math.max(1, Math.min(60, Math.round(timeout)))
  if (clamped !== timeout) cx.warn(g, `timeout ${timeout} is outside 1–60 seconds; it is ${clamped}`)
  return clamped
}

function finishOnKey(cx: Conversion, g: StudioWidget): { finishOnKey?: '#' | '*' | '' } {
  if (g.properties.stop_gather === false || g.properties.stop_gather === 'false') return { finishOnKey: '' }
  const key = textProp(g, 'finish_on_key')
  if (key === undefined || key === '#') return {}
  if (key === '*' || key === '') return { finishOnKey: key }
  cx.warn(g, `finish_on_key "${key}" is not #, * or none; it is #`)
  return {}
}

function speechTimeoutField(value: string): { speechTimeout?: 'auto' | number } {
  if (value === 'auto') return { speechTimeout: 'auto' }
  const n = Number(value)
  return Number.isInteger(n) && n >= 1 && n <= 60 ? { speechTimeout: n } : {}
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
