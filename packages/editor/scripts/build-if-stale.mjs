// Builds the editor when dist/ is missing or older than its sources, so `npm start` always
// serves the current editor without rebuilding on every start.
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const built = join(root, 'dist', 'index.html')
const newest = (dir) => readdirSync(dir, { withFileTypes: true }).reduce((max, entry) => {
  const path = join(dir, entry.name)
  return Math.max(max, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs)
}, 0)
const sources = Math.max(newest(join(root, 'src')), newest(join(root, '..', 'engine', 'src')), statSync(join(root, 'index.html')).mtimeMs)
if (existsSync(built) && statSync(built).mtimeMs >= sources) process.exit(0)
console.error('building the editor…')
// Always a production build: vitest runs this with NODE_ENV=test, which Vite honours, and that
// bundled React's development build (several times slower) for the benchmark to measure.
execFileSync(process.execPath, [join(root, '..', '..', 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } })
