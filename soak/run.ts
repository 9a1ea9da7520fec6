/**
 * `npm run soak` (about 10 minutes) and `npm run soak -- --quick` (about 1–2): the long
 * reliability runs. The scenarios live in test/reliability/support/soak.ts beside the fast
 * vitest versions they share their code with; results go to soak/results/.
 */
import { main } from '../test/reliability/support/soak.ts'

process.exitCode = await main(process.argv.slice(2))
