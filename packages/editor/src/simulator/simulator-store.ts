import { create } from 'zustand'
import type { CompiledFlow, Flow, HttpMock } from '@phonetree/engine'
import { useEditor } from '../store/editor-store.ts'
import type { CallerAction } from './caller-actions.ts'
import { NO_HIGHLIGHT } from './highlight.ts'
import { SimulatorSession } from './session.ts'
import { formFor, settingsOf, varRows } from './settings.ts'
import type { SettingsForm } from './settings.ts'
import { speakView, stopSpeaking } from './speech.ts'

export interface SimulatorState {
  /** The flow the form was filled in for; a different flow gets a fresh form. */
  flowId: string | null
  form: SettingsForm
  /** The call in progress (or the last one, ended), if any. */
  session: SimulatorSession | undefined
  /** The latest answer per http node across runs, to offer (or use) again. */
  remembered: Record<string, HttpMock>
  /** Answer http requests with remembered answers without asking. */
  autoAnswer: boolean
  /** Read prompts aloud. */
  speak: boolean
  /** What went wrong with the last action, for the panel to show. */
  error: string
  /** The name the exported test gets ('' for one made from the call). */
  testName: string

  /** Gets the form ready for the open flow (a fresh one when the flow is another). */
  prepare(flowId: string | null, flow: Flow | undefined): void
  setForm(patch: Partial<SettingsForm>): void
  /** Refills the variables from the flow's `vars`. */
  resetVars(flow: Flow | undefined): void
  startCall(compiled: CompiledFlow): void
  act(action: CallerAction): void
  answer(answer: HttpMock): void
  /** Ends the simulation and clears the canvas highlight. */
  reset(): void
  /** Draws the call's path on the canvas again (after the history panel drew another). */
  redraw(): void
  setAutoAnswer(on: boolean): void
  setSpeak(on: boolean): void
  setTestName(name: string): void
}

/**
 * The simulator's state, outside React so a call survives the panel being hidden (switching
 * side-panel tabs). Every change to the call is mirrored on the canvas: the path so far, the
 * current node selected.
 */
export const useSimulator = create<SimulatorState>()((set, get) => {
  /** Shows a new state of the call: canvas highlight and selection, prompts read aloud. */
  const show = (next: SimulatorSession, before: SimulatorSession | undefined) => {
    const highlight = next.highlight()
    const editor = useEditor.getState()
    editor.setHighlight(highlight)
    if (highlight.current !== undefined) editor.select([highlight.current])
    if (get().speak) speakView(next.viewSince(before), next.compiled.flow.language)
    set({ session: next, remembered: { ...get().remembered, ...next.remembered }, error: '' })
  }
  /** Runs a change to the call; an engine failure is shown, not thrown into React. */
  const attempt = (change: () => SimulatorSession) => {
    try {
      show(change(), get().session)
    } catch (error) {
      set({ error: error instanceof Error ? error.message : String(error) })
    }
  }

  return {
    flowId: null,
    form: formFor(undefined, new Date()),
    session: undefined,
    remembered: {},
    autoAnswer: false,
    speak: false,
    error: '',
    testName: '',

    prepare: (flowId, flow) => {
      if (flowId === get().flowId) return
      stopSpeaking()
      set({ flowId, form: formFor(flow, new Date()), session: undefined, remembered: {}, error: '', testName: '' })
    },
    setForm: (patch) => set({ form: { ...get().form, ...patch } }),
    resetVars: (flow) => set({ form: { ...get().form, vars: varRows(flow) } }),
    startCall: (compiled) => {
      const settings = settingsOf(get().form)
      if (!settings.ok) {
        set({ error: settings.error })
        return
      }
      stopSpeaking()
      set({ session: undefined, testName: '' })
      attempt(() => SimulatorSession.start(compiled, settings.settings, { remembered: get().remembered, autoAnswer: get().autoAnswer }))
    },
    act: (action) => {
      const session = get().session
      if (session !== undefined) attempt(() => session.send(action))
    },
    answer: (answer) => {
      const session = get().session
      if (session !== undefined) attempt(() => session.answerEffect(answer))
    },
    reset: () => {
      stopSpeaking()
      set({ session: undefined, error: '' })
      useEditor.getState().setHighlight(NO_HIGHLIGHT)
    },
    redraw: () => {
      const session = get().session
      if (session !== undefined) useEditor.getState().setHighlight(session.highlight())
    },
    setAutoAnswer: (autoAnswer) => set({ autoAnswer }),
    setSpeak: (speak) => {
      if (!speak) stopSpeaking()
      set({ speak })
    },
    setTestName: (testName) => set({ testName }),
  }
})
