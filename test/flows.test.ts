// Every flow test in flows/ as vitest tests: the one-liner a team adds to its own test suite.
import { flowTests } from '@phonetree/server/vitest'

flowTests('flows', { minCoverage: 100 })
