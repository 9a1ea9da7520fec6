import { spawn } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'

/**
 * Finds a program the tests need, installing its Debian package when it is missing and the
 * tests run as root (as on CI). Otherwise fails with the exact command to run. Tests are
 * never skipped for a missing program.
 *
 * @example await ensureDebianProgram('redis-server', 'redis-server', 'Redis')
 */
export async function ensureDebianProgram(program: string, pkg: string, what: string): Promise<string> {
  const hint = `install ${what} with \`sudo apt-get install -y ${pkg}\``
  const found = onPath(program)
  if (found !== undefined) return found
  if (process.getuid?.() !== 0) throw new Error(`${program} is not on PATH: ${hint}`)
  // Another apt (e.g. a machine setup script) may hold the lock: wait for it rather than fail.
  const apt = (...args: string[]) => run('apt-get', ['-o', 'DPkg::Lock::Timeout=600', ...args])
  if (!(await apt('install', '-y', '--no-install-recommends', pkg))) {
    // A fresh machine may have no package lists yet.
    await apt('update')
    await apt('install', '-y', '--no-install-recommends', pkg)
  }
  const installed = onPath(program) ?? onPath(program, '/usr/bin:/usr/sbin')
  if (installed === undefined) throw new Error(`Installing ${pkg} with apt-get failed: ${hint}`)
  return installed
}

/** The path of an executable on PATH (or the given path list), if any. */
export function onPath(command: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue
    const candidate = join(dir, command)
    try {
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {
      // not in this folder
    }
  }
  return undefined
}

function run(command: string, args: string[]): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
    child.once('error', () => resolve(false))
    child.once('exit', (code) => resolve(code === 0))
  })
}
