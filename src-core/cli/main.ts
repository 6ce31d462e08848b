/**
 * Entry of the `tidemark` command (commander). Each subcommand lives in its own file and exports a
 * `register(program)` function; this file only wires them up and turns errors into a one-line
 * message and an exit code (exit-codes.ts: 1 a failure, 2 a usage error; a closed stdout pipe
 * ends quietly with 0).
 */
import { Command, CommanderError } from 'commander';
import { hasErrorCode } from '../model/errors';
import { packageVersion } from '../package-info';
import { commands } from './commands';
import { EXIT } from './exit-codes';
import { isOutputClosed } from './output';

/** The `tidemark` program with every command registered (also what shell completion reads). */
export function buildProgram(): Command {
  const program = new Command('tidemark')
    .description('Tidemark: a keyed, de-duplicating, transactional event store')
    .version(packageVersion(), '-V, --version')
    // One line per error, including commander's own ("error: option '--limit <n>' argument ...").
    .configureOutput({
      outputError: (str, write) => write(`tidemark: ${str.replace(/^error: /, '').trimEnd()} (see --help)\n`),
    })
    .exitOverride();
  for (const register of commands) register(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    process.exitCode = reportError(err);
  }
}

/** Prints one line to stderr and returns the exit code. */
export function reportError(err: unknown): number {
  if (err instanceof CommanderError) {
    // commander already printed its message, or help / version (which exit 0). Anything else it
    // reports is a usage error: unknown command or option, a bad or missing option value.
    return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (isOutputClosed(err)) {
    // The reader of stdout went away (e.g. `| head`): not an error of ours.
    return EXIT.ok;
  }
  if (hasErrorCode(err)) {
    process.stderr.write(`tidemark: ${err.message} (${err.code})\n`);
    // Interrupted (Ctrl-C): the shell convention for SIGINT.
    return err.code === 'CANCELLED' ? EXIT.interrupted : EXIT.failure;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`tidemark: ${message}\n`);
  return EXIT.failure;
}
