import { readFileSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'

/** The machine a run happened on, for the report header. */
export interface MachineInfo {
  cores: number
  memoryGiB: number
  cpuModel: string
  node: string
  /** 1-minute load average when the run began: how busy the shared machine was. */
  loadAtStart: number
}

/**
 * Reads cores, memory and the CPU model (from /proc/cpuinfo where it exists).
 *
 * @example machineInfo().cores // 2
 */
export function machineInfo(): MachineInfo {
  let cpuModel = cpus()[0]?.model ?? 'unknown'
  try {
    cpuModel = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpuModel
  } catch {
    // not Linux: os.cpus() names it
  }
  return { cores: cpus().length, memoryGiB: Math.round(totalmem() / 1024 ** 3), cpuModel, node: process.version, loadAtStart: loadavg()[0]! }
}
