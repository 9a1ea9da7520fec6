import { validateCommand } from './validate.ts'
import { serveCommand } from './serve.ts'
import { dialCommand } from './dial.ts'
import { testCommand } from './test.ts'
import { generateCommand } from './generate.ts'
import { callCommand } from './call.ts'
import { importCommand } from './import.ts'
import { exportCommand } from './export.ts'
import type { Output } from './validate.ts'

const USAGE = `Usage: phonetree <command> [options]

Commands:
  validate [paths…]   check flows (files or folders; default: flows/) and print
                      file:line:col: CODE message for each problem; exit 1 on any error
  test [paths…]       run flow tests (*.test.yaml) and print transition coverage;
                      --min-coverage N fails when a flow is below N %
  test --generate FLOW.yaml [--write [--force]]
                      derive tests that take every transition of a flow and
                      print them (--write: <id>.test.yaml beside the flow)
  serve               run the webhook server (--port, --flows, --host; env: PORT,
                      PUBLIC_URL, TWILIO_AUTH_TOKEN, PHONETREE_STORE, FLOWS_DIR)
  call URL            a simulated caller: drives a running server as Twilio would and
                      prints what the caller hears (--press 1,2,… or interactive;
                      phonetree call --help for the answers and options)
  dial                place an outbound call through a running server:
                      --flow ID --to +1… [--var name=value …] [--server URL]
  import studio FILE.json
                      convert a Twilio Studio flow into <id>.yaml and <id>.layout.json
                      (--out DIR, --id ID); prints what was not converted
  export FILE         print a diagram of a flow: --format mermaid (default) or dot
  help                show this text
`

const console_: Output = { out: (line) => process.stdout.write(`${line}\n`), err: (line) => process.stderr.write(`${line}\n`) }

/**
 * The `phonetree` command line. Returns the process exit code.
 *
 * @example await main(['validate', 'flows']) // 0
 */
export async function main(argv: readonly string[], io: Output = console_): Promise<number> {
  const [command, ...rest] = argv
  try {
    switch (command) {
      case 'validate':
        return validateCommand(rest, io)
      case 'test':
        return rest.includes('--generate') ? await generateCommand(rest, io) : await testCommand(rest, io)
      case 'serve':
        return await serveCommand(rest, io)
      case 'call':
        return await callCommand(rest, io)
      case 'dial':
        return await dialCommand(rest, io)
      case 'import':
        return await importCommand(rest, io)
      case 'export':
        return await exportCommand(rest, io)
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(USAGE)
        return 0
      default:
        io.err(`phonetree: unknown command "${command}"\n\n${USAGE}`)
        return 2
    }
  } catch (error) {
    io.err(`phonetree ${command}: ${error instanceof Error ? error.message : String(error)}`)
    return 2
  }
}
