/**
 * The progress line `tidemark write` draws on stderr (cli-progress): events committed, events per
 * second and bytes read, with a bar and percentage when stdin is a regular file of known size. It
 * is shown by default when stderr is a terminal and stdin is a terminal, a pipe, or a file of at
 * least 1 MiB; `--progress` forces it (even into a non-terminal) and `--no-progress` hides it.
 */
import { fstatSync } from 'node:fs';
import { SingleBar } from 'cli-progress';

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

export function shouldShowProgress(flag: boolean | undefined): boolean {
  if (flag !== undefined) return flag;
  if (process.stderr.isTTY !== true) return false;
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
  const bar = new SingleBar({
    stream: process.stderr,
    format: known
      ? 'writing [{bar}] {percentage}% | {events} events | {rate} events/s | {mib} MiB'
      : 'writing {events} events | {rate} events/s | {mib} MiB read',
    noTTYOutput: true,
    notTTYSchedule: 1000,
    fps: 5,
    hideCursor: null,
  });
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
