import type { FlowInput, PromptPart } from '../schema/flow.ts'
import type { StudioDefinition, StudioWidget } from './definition.ts'
import { nextOf, numberProp, textProp } from './definition.ts'
import { NodeIds } from './names.ts'
import { rewriteTemplate } from './paths.ts'
import type { WidgetOutputs } from './paths.ts'

/** A node of the converted flow, in the flow file's input form (defaults not yet applied). */
export type NodeInput = FlowInput['nodes'][string]
type PromptInput = Extract<NodeInput, { type: 'say' }>['prompt']

/** Something a reviewer must know about the conversion: a widget not converted, or converted with a difference. */
export interface StudioWarning {
  /** The Studio widget's name. */
  widget: string
  /** The Studio widget's type. */
  type: string
  message: string
}

/** Where a widget sat on Studio's canvas. */
export interface Position {
  x: number
  y: number
}

/**
 * The state of one conversion: the Studio widgets and who leads to them, the nodes made so
 * far, node ids, what each widget's variables became, and the warnings.
 */
export class Conversion {
  readonly widgets = new Map<string, StudioWidget>()
  /** For each widget, the widgets with a transition to it. */
  readonly predecessors = new Map<string, Set<string>>()
  readonly ids = new NodeIds()
  readonly nodes = new Map<string, NodeInput>()
  /** Node ids kept only for a path that merging may have made unused; dropped when nothing leads to them. */
  readonly absorbable = new Set<string>()
  /** Widgets folded into another node (a split into its gather's menu); they get no node. */
  readonly merged = new Set<string>()
  readonly outputs = new Map<string, WidgetOutputs>()
  readonly positions = new Map<string, Position>()
  readonly warnings: StudioWarning[] = []
  /** `flow.data.*` names read: the variables an outbound call may pass. */
  readonly dataVars = new Set<string>()
  /** Widgets whose variables something reads (`widgets.<name>.…`). */
  readonly readWidgets = new Set<string>()
  /** Nodes whose choices are the only places that read a menu's `input.*` right after it. */
  readonly menuTargets = new Map<string, Set<string>>()
  /** Helper nodes that belong at the end of the file (end, sorry). */
  readonly trailing = new Set<string>()
  outbound = false
  #end: string | undefined
  #sorry: string | undefined

  constructor(readonly definition: StudioDefinition) {
    for (const widget of definition.states) this.widgets.set(widget.name, widget)
    for (const widget of definition.states) {
      for (const t of widget.transitions) {
        const next = nextOf(t)
        if (next === undefined) continue
        const from = this.predecessors.get(next) ?? new Set<string>()
        from.add(widget.name)
        this.predecessors.set(next, from)
      }
    }
  }

  /** The Trigger: type `trigger`, or the `initial_state` widget (older exports call it `InitialState`). */
  isTrigger(widget: StudioWidget): boolean {
    return widget.type === 'trigger' || widget.name === this.definition.initial_state
  }

  warn(widget: StudioWidget, message: string): void {
    if (!this.warnings.some((w) => w.widget === widget.name && w.message === message)) this.warnings.push({ widget: widget.name, type: widget.type, message })
  }

  /** True when every transition into `name` comes from one of `allowed`. */
  onlyFrom(name: string, allowed: readonly string[]): boolean {
    return [...(this.predecessors.get(name) ?? [])].every((from) => allowed.includes(from))
  }

  widget(name: string | undefined): StudioWidget | undefined {
    return name === undefined ? undefined : this.widgets.get(name)
  }

  /**
   * The node id a transition leads to. An unwired transition ends a Studio flow, which hangs
   * up a call: it leads to the shared `end` node.
   */
  target(next: string | undefined, from: StudioWidget): string {
    if (next === undefined) return this.endNode()
    const widget = this.widgets.get(next)
    if (widget === undefined) {
      this.warn(from, `has a transition to "${next}", which is not a widget of this flow; it now hangs up`)
      return this.endNode()
    }
    if (this.isTrigger(widget)) {
      this.warn(from, 'has a transition back to the Trigger; it now hangs up')
      return this.endNode()
    }
    return this.ids.forWidget(next)
  }

  /** The `end` node: a hang-up without a prompt, where a Studio flow simply stops. */
  endNode(): string {
    this.#end ??= this.addSynthetic('end', { type: 'hangup', description: 'The Studio flow ends here (a transition that leads nowhere).' })
    this.trailing.add(this.#end)
    return this.#end
  }

  /** The flow's `onError` node, where placeholders for widgets that were not converted lead. */
  errorNode(): string {
    this.#sorry ??= this.addSynthetic('sorry', {
      type: 'hangup',
      description: 'The flow-level onError node, and where the placeholders for widgets that were not converted lead.',
      prompt: "We're sorry, we can't complete your call right now. Please call again later. Goodbye.",
    })
    this.trailing.add(this.#sorry)
    return this.#sorry
  }

  get errorNodeId(): string | undefined {
    return this.#sorry
  }

  addSynthetic(wanted: string, node: NodeInput): string {
    const id = this.ids.fresh(wanted)
    this.nodes.set(id, node)
    return id
  }

  /** Rewrites a template's Studio paths, reporting what has no equivalent against `widget`. */
  template(text: string, widget: StudioWidget): string {
    return rewriteTemplate(text, {
      outbound: this.outbound,
      outputs: (name) => {
        const outputs = this.outputs.get(name)
        if (outputs !== undefined) this.readWidgets.add(name)
        if (outputs?.kind === 'menu' && !(this.menuTargets.get(name)?.has(widget.name) ?? false)) {
          this.warn(widget, `reads the answer to "${name}" as input.*, which holds the caller's latest answer (to "${name}" unless another menu or input came in between)`)
        }
        return outputs
      },
      warn: (message) => this.warn(widget, message),
      readsData: (name) => this.dataVars.add(name),
    })
  }

  /**
   * What a say-play or gather widget says: its `say` text, or its `play` URL played `loop`
   * times (a repeated `say` is left to the caller: `repeat` on a say node). Undefined when it
   * has neither.
   */
  prompt(widget: StudioWidget): PromptInput | undefined {
    const say = textProp(widget, 'say')
    const play = textProp(widget, 'play')
    const loops = this.loops(widget)
    if (play !== undefined && play.trim() !== '') {
      const part: PromptPart = { play: this.template(play.trim(), widget), ...(loops > 1 ? { loop: loops } : {}) }
      return [part]
    }
    if (say === undefined || say.trim() === '') return undefined
    return this.template(say, widget)
  }

  /** How many times a widget plays its message (`loop`, 1 to 10; Studio's 0, "forever", is 10). */
  loops(widget: StudioWidget): number {
    const loop = numberProp(widget, 'loop') ?? 1
    if (loop === 0) this.warn(widget, 'loops its message forever (loop 0); Phonetree plays it 10 times')
    return loop === 0 ? 10 : Math.max(1, Math.min(10, Math.round(loop)))
  }

  /** Voice and language of a widget that speaks, for the node (`voice`, `language`). */
  voice(widget: StudioWidget): { voice?: string; language?: string } {
    const voice = textProp(widget, 'voice')
    const language = textProp(widget, 'language')
    return {
      ...(voice !== undefined && voice.trim() !== '' ? { voice: this.template(voice.trim(), widget) } : {}),
      ...(language !== undefined && language.trim() !== '' ? { language: this.template(language.trim(), widget) } : {}),
    }
  }
}
