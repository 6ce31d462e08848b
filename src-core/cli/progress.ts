/**
 * Progress bars on stderr (cli-progress), and when to draw them. `progressWanted`: only into a
 * terminal (stderr a TTY, TERM not `dumb`) unless `--progress` forces it, and never with
 * `--no-progress`; so logs, pipes and CI output get no bars (and no colour: nothing here or in the
 * CLI's help writes colour). `tidemark write` draws events committed, events per second and bytes
 * read, with a bar and percentage when stdin is a regular file of known size, by default when stdin
 * is a terminal, a pipe, or a file of at least 1 MiB. cli-progress is loaded only when a bar is
 * drawn, so `tidemark --help` does not pay for it.
 */
import { fstatSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isatty } from 'node:tty';
import type * as CliProgress from 'cli-progress';
import type { Options, SingleBar } from 'cli-progress';
import type { MigrationProgressListener } from '../store/types';

const LARGE_INPUT = 1 << 20;

/** Size of stdin when it is a regular file, else null (pipe, terminal). */
export function stdinFileSize(): number | null {
  try {
    const st = fstatSync(0);
    return st.isFile() ? st.size : null;
  } catch {
    return null;
  }
}

/**
 * `--progress` / `--no-progress` when given, else whether stderr is an interactive terminal (asked
 * of fd 2 itself: reading `process.stderr` would build its stream, 3-4 ms, on every command that
 * draws no bar).
 */
export function progressWanted(
  flag: boolean | undefined,
  stderrIsTTY = isatty(2),
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  if (flag !== undefined) return flag;
  return stderrIsTTY && env.TERM !== 'dumb';
}

/**
 * How every bar of the CLI is drawn: on stderr, also when it is not a terminal (`--progress`
 * forces a bar into a pipe or a log, a line a second there), five redraws a second, the cursor
 * left alone.
 */
const BAR_OPTIONS: Omit<Options, 'format' | 'stream'> = {
  noTTYOutput: true,
  notTTYSchedule: 1000,
  fps: 5,
  hideCursor: null,
};

/**
 * A cli-progress bar of `format`, drawn as BAR_OPTIONS says; the package loaded on first use, and
 * `process.stderr` (a stream Node builds when first read, 3-4 ms) only then.
 */
export function newProgressBar(format: string): SingleBar {
  const cliProgress = createRequire(import.meta.url)('cli-progress') as typeof CliProgress;
  return new cliProgress.SingleBar({ ...BAR_OPTIONS, stream: process.stderr, format });
}

export function shouldShowProgress(flag: boolean | undefined): boolean {
  if (flag !== undefined) return flag;
  if (!progressWanted(flag)) return false;
  const size = stdinFileSize();
  return size === null || size >= LARGE_INPUT;
}

export interface ProgressReporter {
  update(events: number, bytes: number): void;
  stop(): void;
}

const noop: ProgressReporter = { update: () => undefined, stop: () => undefined };

export function createProgress(show: boolean, totalBytes: number | null): ProgressReporter {
  if (!show) return noop;
  const started = Date.now();
  const known = totalBytes !== null && totalBytes > 0;
  const bar = newProgressBar(
    known
      ? 'writing [{bar}] {percentage}% | {events} events | {rate} events/s | {mib} MiB'
      : 'writing {events} events | {rate} events/s | {mib} MiB read',
  );
  const payload = (events: number, bytes: number): Record<string, string> => {
    const secs = Math.max(0.001, (Date.now() - started) / 1000);
    return { events: String(events), rate: String(Math.round(events / secs)), mib: (bytes / 1048576).toFixed(1) };
  };
  bar.start(known ? totalBytes : 1, 0, payload(0, 0));
  let last = { events: 0, bytes: 0 };
  return {
    update(events, bytes) {
      last = { events, bytes };
      bar.update(known ? Math.min(bytes, totalBytes) : 0, payload(events, bytes));
    },
    stop() {
      bar.update(known ? Math.min(last.bytes, totalBytes) : 0, payload(last.events, last.bytes));
      bar.stop();
    },
  };
}

/**
 * The bar of a schema migration that opening a store runs (docs/engine.md "Schema versions"):
 * rows rewritten (transactions chained, heads rows) of the total, drawn from the migration's first
 * report (opening a current store draws nothing) and stopped at its last. Undefined when no bar is
 * wanted.
 */
export function migrationProgress(show: boolean): MigrationProgressListener | undefined {
  if (!show) return undefined;
  let bar: SingleBar | null = null;
  return ({ done, total }) => {
    if (bar === null) {
      bar = newProgressBar('upgrading the store [{bar}] {percentage}% | {value}/{total} rows rewritten');
      bar.start(total, done);
    } else bar.update(done);
    if (done >= total) {
      bar.stop();
      bar = null;
    }
  };
}
