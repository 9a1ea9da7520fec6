import type { Speech, View } from '@phonetree/engine'

/**
 * Reads prompts aloud with the browser's speech synthesis, so a designer hears roughly what a
 * caller would. Optional everywhere: without `speechSynthesis` (tests, some browsers) every
 * function here does nothing.
 */

function synth(): SpeechSynthesis | undefined {
  return typeof globalThis.speechSynthesis === 'object' && globalThis.speechSynthesis !== null && typeof SpeechSynthesisUtterance === 'function'
    ? globalThis.speechSynthesis
    : undefined
}

/** Whether this browser can read prompts aloud. */
export function speechAvailable(): boolean {
  return synth() !== undefined
}

/** The said text of a view, in order, prompts inside a gather included; plays and pauses are skipped. */
export function sayings(view: View): Extract<Speech, { kind: 'say' }>[] {
  return view.flatMap((i) => (i.kind === 'gather' ? i.prompts : [i])).filter((i): i is Extract<Speech, { kind: 'say' }> => i.kind === 'say')
}

/** Queues the said text of `view` after whatever is being read now. */
export function speakView(view: View, language?: string): void {
  const speech = synth()
  if (speech === undefined) return
  try {
    for (const say of sayings(view)) {
      const utterance = new SpeechSynthesisUtterance(say.text)
      const lang = say.language ?? language
      if (lang !== undefined) utterance.lang = lang
      speech.speak(utterance)
    }
  } catch {
    // A browser may refuse (no voices, autoplay rules): the transcript still shows the text.
  }
}

/** Stops reading and drops what is queued. */
export function stopSpeaking(): void {
  try {
    synth()?.cancel()
  } catch {
    // Nothing to stop.
  }
}
