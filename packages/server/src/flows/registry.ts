import { existsSync, readFileSync, readdirSync, watch } from 'node:fs'
import type { FSWatcher } from 'node:fs'
import { basename, join } from 'node:path'
import { compileFlow, FLOW_ID, flowIdFromFile, loadFlow } from '@phonetree/engine'
import type { CompiledFlow, FlowProblem } from '@phonetree/engine'
import type { CallStore } from '../store/types.ts'
import type { Logger } from '../log.ts'

/** What the server knows about one flow file. */
export interface FlowStatus {
  id: string
  file: string
  /** The version new calls start on (the last content that validated), if any. */
  version?: string
  /** Problems in the file as it is now on disk; errors mean the last good version still serves. */
  problems: FlowProblem[]
  /** True when the file on disk is what serves (no errors since the last good version). */
  current: boolean
  loadedAt: number
}

interface Entry extends FlowStatus {
  compiled?: CompiledFlow
  source?: string
}

/**
 * The flows a server serves, loaded from a folder and reloaded when files change. A file that
 * stops validating is reported while its last good version keeps serving; every version ever
 * served is kept (in memory and in the call store) so in-flight calls finish on the version
 * they started with, even after a restart.
 *
 * @example
 * const flows = await FlowRegistry.open('flows', store, log)
 * flows.get('support')?.version
 */
export class FlowRegistry {
  private readonly entries = new Map<string, Entry>()
  private readonly versions = new Map<string, CompiledFlow>()
  private watcher: FSWatcher | undefined
  private readonly timers = new Map<string, NodeJS.Timeout>()

  private constructor(readonly dir: string, private readonly store: CallStore, private readonly log: Logger) {}

  static async open(dir: string, store: CallStore, log: Logger, options: { watch?: boolean } = {}): Promise<FlowRegistry> {
    const registry = new FlowRegistry(dir, store, log)
    if (!existsSync(dir)) throw new Error(`flows folder not found: ${dir}`)
    for (const name of readdirSync(dir).sort()) if (isFlowName(name)) await registry.reload(join(dir, name))
    if (options.watch !== false) registry.watch()
    return registry
  }

  /** The version new calls of `id` start on, or undefined when no valid version exists. */
  get(id: string): CompiledFlow | undefined {
    return FLOW_ID.test(id) ? this.entries.get(id)?.compiled : undefined
  }

  /** A flow by version, for calls that started on it; looked up in the store after a restart. */
  async byVersion(version: string): Promise<CompiledFlow | undefined> {
    const known = this.versions.get(version)
    if (known !== undefined) return known
    const stored = await this.store.getFlowVersion(version)
    if (stored === undefined) return undefined
    const loaded = loadFlow(stored.source, `${stored.flow}.yaml`)
    if (!loaded.ok) return undefined
    const compiled = compileFlow(loaded)
    this.versions.set(compiled.version, compiled)
    return compiled
  }

  list(): FlowStatus[] {
    return [...this.entries.values()].map(({ compiled: _c, source: _s, ...status }) => status)
  }

  status(id: string): (FlowStatus & { source?: string }) | undefined {
    const entry = this.entries.get(id)
    if (entry === undefined) return undefined
    const { compiled: _c, ...status } = entry
    return status
  }

  /** Reads one file again; called on start and whenever the folder changes. */
  async reload(file: string): Promise<FlowStatus | undefined> {
    const id = flowIdFromFile(file)
    if (id === undefined) return undefined
    const previous = this.entries.get(id)
    if (!existsSync(file)) {
      if (previous !== undefined) {
        this.entries.delete(id)
        this.log.info('flow removed', { flow: id, file })
      }
      return undefined
    }
    const source = readFileSync(file, 'utf8')
    if (previous?.source === source && previous.current) return previous
    const loaded = loadFlow(source, file)
    const entry: Entry = { id, file, problems: loaded.problems, current: loaded.ok, loadedAt: Date.now(), source }
    if (loaded.ok) {
      const compiled = compileFlow(loaded)
      await this.store.putFlowVersion(id, compiled.version, source)
      this.versions.set(compiled.version, compiled)
      Object.assign(entry, { compiled, version: compiled.version })
      this.log.info('flow loaded', { flow: id, version: compiled.version, warnings: loaded.problems.length })
    } else {
      if (previous?.compiled !== undefined) Object.assign(entry, { compiled: previous.compiled, version: previous.compiled.version })
      const errors = loaded.problems.filter((p) => p.severity === 'error')
      this.log.warn('flow has errors; serving the last good version', {
        flow: id,
        ...(entry.version !== undefined ? { version: entry.version } : { version: null }),
        errors: errors.map((p) => `${p.file}:${p.line}:${p.col}: ${p.code} ${p.message}`),
      })
    }
    this.entries.set(id, entry)
    return entry
  }

  private watch(): void {
    try {
      this.watcher = watch(this.dir, (_event, name) => {
        if (name === null || !isFlowName(name.toString())) return
        const file = join(this.dir, basename(name.toString()))
        // Editors write files in several steps; wait for the writes to settle.
        clearTimeout(this.timers.get(file))
        this.timers.set(file, setTimeout(() => {
          this.timers.delete(file)
          this.reload(file).catch((error: unknown) => this.log.error('flow reload failed', { file, error: String(error) }))
        }, 75))
      })
      this.watcher.on('error', (error) => this.log.error('flow watcher failed', { error: String(error) }))
    } catch (error) {
      this.log.warn('cannot watch the flows folder; restart to pick up changes', { error: String(error) })
    }
  }

  close(): void {
    this.watcher?.close()
    for (const timer of this.timers.values()) clearTimeout(timer)
    this.timers.clear()
  }
}

function isFlowName(name: string): boolean {
  return /\.ya?ml$/.test(name) && !/\.test\.ya?ml$/.test(name) && flowIdFromFile(name) !== undefined && FLOW_ID.test(flowIdFromFile(name)!)
}
