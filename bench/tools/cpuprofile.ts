/**
 * Reads a V8 .cpuprofile and lists where the time went: self time and inclusive ("total") time
 * per function, so a profile can be read in a terminal and quoted in a report.
 *
 * Usage: npx tsx bench/tools/cpuprofile.ts <file.cpuprofile> [top N] [filter]
 */
import { readFileSync } from 'node:fs'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}
interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

export interface FunctionTime {
  name: string
  selfMs: number
  totalMs: number
}

/**
 * Self and inclusive time per function (recursion counted once per stack).
 *
 * @example summarizeProfile(JSON.parse(text)).slice(0, 10)
 */
export function summarizeProfile(profile: Profile): { totalMs: number; functions: FunctionTime[] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const selfUs = new Map<number, number>()
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)))
  const label = (n: ProfileNode) => `${n.callFrame.functionName || '(anonymous)'} ${shortUrl(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`
  const self = new Map<string, number>()
  const total = new Map<string, number>()
  for (const [id, us] of selfUs) {
    const node = byId.get(id)!
    self.set(label(node), (self.get(label(node)) ?? 0) + us)
    const seen = new Set<string>()
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const name = label(byId.get(at)!)
      if (seen.has(name)) continue
      seen.add(name)
      total.set(name, (total.get(name) ?? 0) + us)
    }
  }
  const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0)
  const functions = [...total.keys()].map((name) => ({ name, selfMs: (self.get(name) ?? 0) / 1000, totalMs: total.get(name)! / 1000 }))
  return { totalMs: totalUs / 1000, functions }
}

function shortUrl(url: string): string {
  const at = url.lastIndexOf('/node_modules/')
  if (at !== -1) return url.slice(at + '/node_modules/'.length)
  return url.replace(/^file:\/\/.*?\/(packages|bench|test)\//, '$1/').replace(/^node:/, '')
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, top = '30', filter] = process.argv.slice(2)
  if (file === undefined) throw new Error('usage: cpuprofile.ts <file.cpuprofile> [top N] [filter]')
  const { totalMs, functions } = summarizeProfile(JSON.parse(readFileSync(file, 'utf8')) as Profile)
  const pick = (list: FunctionTime[]) => list.filter((f) => filter === undefined || f.name.includes(filter)).slice(0, Number(top))
  const line = (f: FunctionTime) => `${f.selfMs.toFixed(0).padStart(8)} ${(100 * f.selfMs / totalMs).toFixed(1).padStart(5)}% ${f.totalMs.toFixed(0).padStart(8)} ${(100 * f.totalMs / totalMs).toFixed(1).padStart(5)}%  ${f.name}`
  process.stdout.write(`profile: ${totalMs.toFixed(0)} ms\n  self ms     %  total ms     %\n-- by self time\n${pick([...functions].sort((a, b) => b.selfMs - a.selfMs)).map(line).join('\n')}\n-- by total time\n${pick([...functions].sort((a, b) => b.totalMs - a.totalMs)).map(line).join('\n')}\n`)
}
