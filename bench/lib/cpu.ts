import { readFileSync } from 'node:fs'

/**
 * CPU time (user + system, in ms) a process has used so far, from /proc/<pid>/stat; undefined
 * where /proc is missing. CPU per request is steadier than throughput on a shared machine: it
 * does not change when a neighbour takes a core for a while.
 *
 * @example const before = cpuMs(child.pid!); …; const used = cpuMs(child.pid!)! - before!
 */
export function cpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const ticks = Number(fields[11]) + Number(fields[12])
    return (ticks * 1000) / CLOCK_TICKS
  } catch {
    return undefined
  }
}

/** USER_HZ: 100 on every Linux this runs on (getconf CLK_TCK). */
const CLOCK_TICKS = 100
