import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { contentHash, FLOW_ID } from '@phonetree/engine'

/** A flow file and its layout sidecar, as the editor opens and saves them. */
export interface FlowFiles {
  id: string
  source: string
  /** The layout sidecar's JSON text, or null when the flow has none. */
  layout: string | null
  /** Changes whenever either file changes on disk; a save must name the etag it started from. */
  etag: string
}

/** Thrown when a save would overwrite changes made on disk since the editor opened the flow. */
export class SaveConflict extends Error {
  constructor(readonly current: FlowFiles) {
    super(`flows/${current.id}.yaml changed on disk since it was opened`)
  }
}

/**
 * Reads and writes `<dir>/<id>.yaml` and `<dir>/<id>.layout.json`. Ids are checked against the
 * flow id pattern, so no path can leave the flows folder.
 */
export class FlowFilesStore {
  constructor(private readonly dir: string) {}

  /** The files of a flow, or undefined when there is no such flow. */
  read(id: string): FlowFiles | undefined {
    const paths = this.paths(id)
    if (!existsSync(paths.flow)) return undefined
    const source = readFileSync(paths.flow, 'utf8')
    const layout = existsSync(paths.layout) ? readFileSync(paths.layout, 'utf8') : null
    return { id, source, layout, etag: etagOf(source, layout) }
  }

  /**
   * Saves a flow and its layout, unless either changed on disk since `etag` (then SaveConflict
   * with what is on disk now). Writes go to a temporary file first, so a crash never leaves a
   * half-written flow. `etag: null` creates a flow that must not exist yet.
   *
   * @example store.save('support', text, layoutJson, opened.etag)
   */
  save(id: string, source: string, layout: string | null, etag: string | null): FlowFiles {
    const current = this.read(id)
    if (etag === null ? current !== undefined : current?.etag !== etag) {
      if (current !== undefined) throw new SaveConflict(current)
      throw new Error(`flows/${id}.yaml does not exist`)
    }
    const paths = this.paths(id)
    if (layout !== null && (current?.layout ?? null) !== layout) atomicWrite(paths.layout, layout)
    if (current?.source !== source) atomicWrite(paths.flow, source)
    return { id, source, layout: layout ?? current?.layout ?? null, etag: etagOf(source, layout ?? current?.layout ?? null) }
  }

  private paths(id: string) {
    if (!FLOW_ID.test(id)) throw new Error(`"${id}" is not a flow id`)
    return { flow: join(this.dir, `${id}.yaml`), layout: join(this.dir, `${id}.layout.json`) }
  }
}

function etagOf(source: string, layout: string | null): string {
  return contentHash(`${source}\u0000${layout ?? ''}`)
}

function atomicWrite(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`
  writeFileSync(temporary, text)
  renameSync(temporary, path)
}
