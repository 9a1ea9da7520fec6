import type { EventPrompts, Flow, FlowNode, Prompt, PromptPart } from '../schema/flow.ts'
import { digitsFilter, renderTemplate } from '../template/template.ts'
import type { Scope } from '../template/template.ts'
import type { Speech } from './view.ts'

/**
 * Renders a prompt (text, or a list of parts) into what the caller hears, with templates
 * filled in. Text that renders empty is left out rather than sent as an empty <Say>.
 *
 * @example renderPrompt([{ say: 'Your code is' }, { digits: '{{ vars.code }}' }], voiceOf(flow, node), scope)
 * // [{ kind: 'say', text: 'Your code is' }, { kind: 'say', text: '4, 8, 1, 5' }]
 */
export function renderPrompt(prompt: Prompt | PromptPart | PromptPart[], voice: VoiceDefaults, scope: Scope): Speech[] {
  if (typeof prompt === 'string') return say(renderTemplate(prompt, scope), voice)
  const parts = Array.isArray(prompt) ? prompt : [prompt]
  return parts.flatMap((part): Speech[] => {
    if ('say' in part) return say(renderTemplate(part.say, scope), { voice: part.voice ?? voice.voice, language: part.language ?? voice.language })
    if ('digits' in part) return say(digitsFilter(renderTemplate(part.digits, scope)), voice)
    if ('pause' in part) return [{ kind: 'pause', seconds: part.pause }]
    const url = renderTemplate(part.play, scope).trim()
    return url === '' ? [] : [{ kind: 'play', url, ...(part.loop !== undefined && part.loop > 1 ? { loop: part.loop } : {}) }]
  })
}

/**
 * The count-indexed event prompt for the `count`-th no-input or no-match (1-based): the
 * highest entry not past the count, so the last one repeats (menu-semantics.md rule 2).
 *
 * @example pickEventPrompt(['I did not hear you.', 'Please press a key.'], 3) // 'Please press a key.'
 */
export function pickEventPrompt(prompts: EventPrompts | undefined, count: number): Prompt | PromptPart | PromptPart[] | undefined {
  if (prompts === undefined) return undefined
  if (typeof prompts === 'string') return prompts
  return prompts[Math.min(count, prompts.length) - 1]
}

export interface VoiceDefaults {
  voice?: string | undefined
  language?: string | undefined
}

/** The voice and language a node speaks with: its own, else the flow's. */
export function voiceOf(flow: Flow, node: FlowNode): VoiceDefaults {
  return { voice: node.voice ?? flow.voice, language: node.language ?? flow.language }
}


function say(text: string, voice: VoiceDefaults): Speech[] {
  if (text.trim() === '') return []
  return [{ kind: 'say', text, ...(voice.voice !== undefined ? { voice: voice.voice } : {}), ...(voice.language !== undefined ? { language: voice.language } : {}) }]
}
