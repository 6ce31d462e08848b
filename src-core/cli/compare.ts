/**
 * `tidemark compare --from STORE --to STORE [--from-token T] [--to-token T] [--topic T]...`: are
 * two stores' logs the same, topic by topic (services/compare.ts: equal heads, else bisection over
 * the hash chains)? A STORE is a file, a server URL or a PostgreSQL URL (store/open.ts
 * `storeSpecOptions`). Prints one comparison per topic (NDJSON: a TopicComparison per line; table:
 * a sentence per topic); exits 0 when every topic is equal and EXIT.differences (3) when any
 * differs. A progress bar (topics compared) goes to stderr on a terminal; Ctrl-C cancels.
 */
import { existsSync } from 'node:fs';
import type { SingleBar } from 'cli-progress';
import { type Command, Option } from 'commander';
import { describeComparison } from '../model/compare-text';
import { notFound } from '../model/errors';
import type { TopicComparison } from '../model/integrity';
import type { Progress } from '../model/store-api';
import { validateTopic } from '../model/validate';
import { openStoreFromOptions, storeSpecOptions } from '../store/open';
import type { EventStore } from '../store/types';
import { EXIT } from './exit-codes';
import { addFormatOption, parserFrom, resolveFormat } from './options';
import { type Column, RowPrinter } from './output';
import { newProgressBar, progressWanted } from './progress';

interface CompareOpts {
  from: string;
  to: string;
  fromToken?: string;
  toToken?: string;
  topic?: string[];
  format?: string;
  progress?: boolean;
}

const parseTopic = parserFrom(validateTopic, 'topic');

export const COMPARE_COLUMNS: Column<TopicComparison>[] = [
  { header: 'topic', get: (c) => c.topic, max: 40 },
  { header: 'result', get: (c) => c.result },
  { header: 'fromTxns', get: (c) => (c.from === null ? '-' : String(c.from.maxTxn)), right: true },
  { header: 'toTxns', get: (c) => (c.to === null ? '-' : String(c.to.maxTxn)), right: true },
  { header: 'firstDiff', get: (c) => (c.firstDiff === null ? '' : String(c.firstDiff.txn)), right: true },
  { header: 'reads', get: (c) => `${c.reads.from}/${c.reads.to}`, right: true },
  { header: 'details', get: describeComparison, flex: true },
];

/** Opens the store a STORE value names; a file must exist (a typo must not create an empty store). */
async function openSpec(spec: string, option: string, token: string | undefined): Promise<EventStore> {
  const tok = token === '' ? undefined : token;
  const opts = storeSpecOptions(spec, option, tok);
  if (opts.db !== undefined && !existsSync(opts.db)) throw notFound(`${option}: no store file at ${opts.db}`);
  return openStoreFromOptions(opts.db !== undefined ? { ...opts, mustExist: true } : opts);
}

export function registerCompare(program: Command): void {
  const cmd = program
    .command('compare')
    .description("are two stores' logs the same? (per topic: equal, missing, one a prefix, or where they diverge)")
    .addOption(
      new Option('--from <store>', 'a store file, a server URL (http(s)://) or a PostgreSQL URL').makeOptionMandatory(),
    )
    .addOption(new Option('--to <store>', 'the other store, named the same way').makeOptionMandatory())
    .addOption(new Option('--from-token <token>', 'bearer token when --from is a server'))
    .addOption(new Option('--to-token <token>', 'bearer token when --to is a server'))
    .addOption(
      new Option(
        '--topic <name>',
        'compare only this topic (repeatable; default: every topic of either store)',
      ).argParser((value: string, prev: string[] | undefined) => [...(prev ?? []), parseTopic(value)]),
    )
    .option('--progress', 'always show the progress bar on stderr')
    .option('--no-progress', 'never show the progress bar');
  addFormatOption(cmd);
  cmd.action(async (opts: CompareOpts) => {
    const from = await openSpec(opts.from, '--from', opts.fromToken);
    let to: EventStore | null = null;
    const bar = new TopicBar(progressWanted(opts.progress));
    const ac = new AbortController();
    const onSigint = (): void => ac.abort();
    process.once('SIGINT', onSigint);
    try {
      to = await openSpec(opts.to, '--to', opts.toToken);
      const { compareStores } = await import('../services/compare');
      const report = await compareStores(from, to, {
        ...(opts.topic !== undefined ? { topics: opts.topic } : {}),
        signal: ac.signal,
        onProgress: (p) => bar.update(p),
      });
      bar.stop();
      const printer = new RowPrinter(resolveFormat(opts.format), COMPARE_COLUMNS);
      await printer.page(report.topics);
      await printer.finish('no topics in either store');
      if (!report.equal) process.exitCode = EXIT.differences;
    } finally {
      bar.stop();
      process.off('SIGINT', onSigint);
      await Promise.all([from.close(), to?.close()]);
    }
  });
}

/** Topics compared of the total. */
class TopicBar {
  private bar: SingleBar | null = null;
  constructor(private readonly show: boolean) {}

  update(p: Progress): void {
    if (!this.show) return;
    const total = Math.max(p.total ?? p.done, 1);
    if (this.bar === null) {
      this.bar = newProgressBar({
        stream: process.stderr,
        format: 'compare [{bar}] {value}/{total} topics | {phase}',
        noTTYOutput: true,
        notTTYSchedule: 1000,
        fps: 5,
        hideCursor: null,
      });
      this.bar.start(total, p.done, { phase: p.phase });
    }
    this.bar.update(Math.min(p.done, total), { phase: p.phase });
  }

  stop(): void {
    this.bar?.stop();
    this.bar = null;
  }
}
