/**
 * `tidemark write --topic T [--txn-size N] [--expect-max-seq N] [--meta JSON] [--by NAME]`: reads
 * NDJSON events
 * (`{"key","data"[,"hash","contentType"]}`, one per line) from stdin and writes them in
 * transactions of N events (default 1000), each carrying `--meta` and, on a local store, `by`
 * (`--by`, default the OS user name; a server records the token's name). Prints a one-line JSON summary on stdout; on a bad line
 * or a failed transaction the summary (of what stayed committed) gets an `error` field, stderr says
 * what happened in one line, and the exit code is 1. See write-events.ts for the rules.
 */
import { type Command, Option } from 'commander';
import { LIMITS } from '../model/limits';
import { ByteCounter, numberedLines } from './ndjson-input';
import type { JsonObject } from '../model/types';
import {
  type StoreOptionValues,
  addStoreOptions,
  byOption,
  metaOption,
  parseNonNegativeInt,
  parseRange,
  resolveBy,
  topicOption,
  withStore,
} from './options';
import { createProgress, shouldShowProgress, stdinFileSize } from './progress';
import { WriteFailed, type WriteSummary, writeEvents } from './write-events';

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

export function registerWrite(program: Command): void {
  const cmd = program
    .command('write')
    .description('write NDJSON events ({"key","data"[,"hash","contentType"]} per line) from stdin')
    .addOption(topicOption())
    .addOption(
      new Option('--txn-size <n>', `events per transaction (1-${LIMITS.eventsPerTxnMax})`)
        .argParser(parseRange(1, LIMITS.eventsPerTxnMax))
        .default(1000),
    )
    .addOption(
      new Option(
        '--expect-max-seq <n>',
        "fail (nothing written) unless the topic's max seq is n (0: empty topic); later transactions then expect the seq the previous one left",
      ).argParser(parseNonNegativeInt),
    )
    .addOption(metaOption('every transaction written'))
    .addOption(byOption())
    .option('--progress', 'always show the progress line on stderr')
    .option('--no-progress', 'never show the progress line');
  addStoreOptions(cmd);
  cmd.action(async (opts: WriteOpts, command: Command) => {
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
  });
}
