/**
 * What `tidemark verify` (../verify.ts) does: `EventStore.verify` on each topic, a progress bar,
 * one result per topic and the exit status.
 */
import type { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import type { VerifyProgress, VerifyResult } from '../../model/integrity';
import { EXIT } from '../exit-codes';
import type { StoreOptionValues } from '../options';
import { withStore } from '../open-store';
import { type Column, RowPrinter, resolveFormat } from '../output';
import { newProgressBar, progressWanted } from '../progress';

interface VerifyCliOpts extends StoreOptionValues {
  topic?: string[];
  expectHead?: string;
  format?: string;
  progress?: boolean;
}

type Row = VerifyResult & { topic: string };

const short = (chain: string | null): string => (chain === null ? '' : `${chain.slice(0, 12)}…`);

export const VERIFY_COLUMNS: Column<Row>[] = [
  { header: 'topic', get: (r) => r.topic },
  { header: 'ok', get: (r) => (r.ok ? 'ok' : 'FAILED') },
  { header: 'txns', get: (r) => String(r.txns), right: true },
  { header: 'events', get: (r) => String(r.events), right: true },
  { header: 'head', get: (r) => short(r.head) },
  {
    header: 'problem',
    get: (r) =>
      r.firstBad === null ? '' : `${r.firstBad.what} at txn ${r.firstBad.txn ?? '-'}: ${r.firstBad.message}`,
    flex: true,
  },
  { header: 'legacy', get: (r) => `${r.legacy.length}${r.legacyCut ? '+' : ''}`, right: true },
];

export async function run(opts: VerifyCliOpts, command: Command): Promise<void> {
  if (opts.expectHead !== undefined && opts.topic?.length !== 1) {
    command.error('error: --expect-head needs exactly one --topic (a head is the chain of one topic)', {
      exitCode: EXIT.usage,
    });
  }
  const bar = new Bar(progressWanted(opts.progress));
  const ac = new AbortController();
  const onSigint = (): void => ac.abort();
  process.once('SIGINT', onSigint);
  let failed = false;
  try {
    await withStore(command, opts, { mustExist: true }, async (store) => {
      const topics = opts.topic ?? (await store.listTopics()).map((t) => t.topic);
      const printer = new RowPrinter<Row>(resolveFormat(opts.format), VERIFY_COLUMNS);
      for (const topic of topics) {
        bar.start(topic);
        const r = await store.verify(topic, {
          signal: ac.signal,
          onProgress: (p) => bar.update(p),
          ...(opts.expectHead !== undefined ? { expectHead: opts.expectHead } : {}),
        });
        bar.stop();
        if (!r.ok) failed = true;
        await printer.page([{ topic, ...r }]);
      }
      await printer.finish('no topics');
    });
  } finally {
    bar.stop();
    process.off('SIGINT', onSigint);
  }
  if (failed) process.exitCode = EXIT.verifyFailed;
}

/** The progress bar: transactions checked of the topic's total. */
class Bar {
  private bar: SingleBar | null = null;
  private topic = '';
  constructor(private readonly show: boolean) {}

  start(topic: string): void {
    this.topic = topic;
  }

  update(p: VerifyProgress): void {
    if (!this.show) return;
    const total = Math.max(p.totalTxns, p.txns, 1);
    if (this.bar === null) {
      this.bar = newProgressBar('verify {topic} [{bar}] {percentage}% | {value}/{total} txns | {events} events');
      this.bar.start(total, 0, { topic: this.topic, events: 0 });
    }
    this.bar.setTotal(total);
    this.bar.update(p.txns, { topic: this.topic, events: p.events });
  }

  stop(): void {
    this.bar?.stop();
    this.bar = null;
  }
}
