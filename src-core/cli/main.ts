/**
 * Entry of the `tidemark` command (commander). Each subcommand lives in its own file and exports a
 * `register(program)` function; this file only wires them up and turns errors into a one-line
 * message and a non-zero exit code (a closed stdout pipe ends quietly with 0).
 */
import { Command, CommanderError } from 'commander';
import { hasErrorCode } from '../model/errors';
import { packageVersion } from '../package-info';
import { commands } from './commands';
import { OutputClosed } from './output';

export async function main(argv: string[]): Promise<void> {
  const program = new Command('tidemark')
    .description('Tidemark: a keyed, de-duplicating, transactional event store')
    .version(packageVersion(), '-V, --version')
    // One line per error, including commander's own ("error: option '--limit <n>' argument ...").
    .configureOutput({
      outputError: (str, write) => write(`tidemark: ${str.replace(/^error: /, '').trimEnd()} (see --help)\n`),
    })
    .exitOverride();
  for (const register of commands) register(program);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    process.exitCode = reportError(err);
  }
}

/** Prints one line to stderr and returns the exit code. */
export function reportError(err: unknown): number {
  if (err instanceof CommanderError) {
    // commander already printed its message (or help / version, which exit 0).
    return err.exitCode;
  }
  if (err instanceof OutputClosed) {
    // The reader of stdout went away (e.g. `| head`): not an error of ours.
    return 0;
  }
  if (hasErrorCode(err)) {
    process.stderr.write(`tidemark: ${err.message} (${err.code})\n`);
    // Interrupted (Ctrl-C): the shell convention for SIGINT.
    return err.code === 'CANCELLED' ? 130 : 1;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`tidemark: ${message}\n`);
  return 1;
}
