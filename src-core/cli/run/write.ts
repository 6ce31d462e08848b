/**
 * What `tidemark write` (../write.ts) does: NDJSON events from stdin written in transactions by
 * write-events.ts, with a progress line, Ctrl-C handling and the one-line summary.
 */
import type { Command } from 'commander';
import type { JsonObject } from '../../model/types';
import { ByteCounter, numberedLines } from '../ndjson-input';
import type { StoreOptionValues } from '../options';
import { resolveBy, withStore } from '../open-store';
import { createProgress, shouldShowProgress, stdinFileSize } from '../progress';
import { WriteFailed, type WriteSummary, writeEvents } from '../write-events';

interface WriteOpts extends StoreOptionValues {
  topic: string;
  meta?: JsonObject;
  by?: string;
  txnSize: number;
  expectMaxSeq?: number;
  progress?: boolean;
}

/** Transactions per `appendBatch` call on a local store (SQLite: one durable commit each). */
const GROUP_TXNS = 8;

export async function run(opts: WriteOpts, command: Command): Promise<void> {
  const by = resolveBy(opts);
  await withStore(command, opts, {}, async (store) => {
    const counter = new ByteCounter(process.stdin);
    const progress = createProgress(shouldShowProgress(opts.progress), stdinFileSize());
    if (process.stdin.isTTY === true) process.stderr.write('reading NDJSON events from stdin (end with Ctrl-D)\n');
    // Ctrl-C: stop reading, settle what was sent, print the summary (exit 130).
    const interrupt = new AbortController();
    const onSignal = (): void => interrupt.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    let summary: WriteSummary;
    try {
      summary = await writeEvents(store, opts.topic, numberedLines(process.stdin, interrupt.signal), {
        txnSize: opts.txnSize,
        ...(opts.expectMaxSeq !== undefined ? { expectMaxSeq: opts.expectMaxSeq } : {}),
        ...(opts.meta !== undefined ? { meta: opts.meta } : {}),
        ...(by !== undefined ? { by } : {}),
        // The HTTP client's append is its ordered writer: queue appends, it coalesces them.
        pipeline: store.kind === 'http',
        groupTxns: GROUP_TXNS,
        onProgress: (events) => progress.update(events, counter.bytes),
        signal: interrupt.signal,
      });
    } catch (err) {
      progress.stop();
      if (err instanceof WriteFailed) {
        const error = { code: err.code, message: err.message, line: err.line };
        process.stdout.write(JSON.stringify({ ...err.summary, error }) + '\n');
      }
      throw err;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      // Unread input (after an interruption or a bad line) must not keep the process alive.
      process.stdin.destroy();
    }
    progress.update(summary.events, counter.bytes);
    progress.stop();
    process.stdout.write(JSON.stringify(summary) + '\n');
  });
}
