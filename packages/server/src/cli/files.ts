import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

/**
 * Expands command-line paths into files: a file stays itself, a folder yields its files whose
 * names pass `accept` (sorted, not recursing into node_modules or dot-folders).
 *
 * @example expandPaths(['flows'], isFlowFile) // ['flows/support.yaml', 'flows/verify.yaml']
 */
export function expandPaths(paths: readonly string[], accept: (name: string) => boolean): string[] {
  const files: string[] = []
  const visit = (path: string, explicit: boolean) => {
    const stats = statSync(path, { throwIfNoEntry: false })
    if (stats === undefined) {
      if (explicit) throw new Error(`no such file or folder: ${path}`)
      return
    }
    if (stats.isDirectory()) {
      for (const name of readdirSync(path).sort()) {
        if (name.startsWith('.') || name === 'node_modules') continue
        visit(join(path, name), false)
      }
    } else if (explicit || accept(path)) {
      files.push(path)
    }
  }
  for (const path of paths) visit(path, true)
  return files
}

/** A flow file: `*.yaml`/`*.yml` that is not a test file. */
export const isFlowFile = (name: string): boolean => /\.ya?ml$/.test(name) && !/\.test\.ya?ml$/.test(name)
