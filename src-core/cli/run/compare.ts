/**
 * What `tidemark compare` (../compare.ts) does: opens both sides, compares them through
 * services/compare.ts with a progress bar, prints one comparison per topic and the exit status.
 */
import type { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { describeComparison } from '../../model/compare-text';
import type { TopicComparison } from '../../model/integrity';
import type { Progress } from '../../model/store-api';
import type { EventStore } from '../../store/types';
import { EXIT } from '../exit-codes';
import type { FromToValues } from '../options';
import { openSide } from '../open-store';
import { type Column, RowPrinter, resolveFormat } from '../output';
import { newProgressBar, progressWanted } from '../progress';

interface CompareOpts extends FromToValues {
  topic?: string[];
  format?: string;
  progress?: boolean;
}

export const COMPARE_COLUMNS: Column<TopicComparison>[] = [
  { header: 'topic', get: (c) => c.topic, max: 40 },
  { header: 'result', get: (c) => c.result },
  { header: 'fromTxns', get: (c) => (c.from === null ? '-' : String(c.from.maxTxn)), right: true },
  { header: 'toTxns', get: (c) => (c.to === null ? '-' : String(c.to.maxTxn)), right: true },
  { header: 'firstDiff', get: (c) => (c.firstDiff === null ? '' : String(c.firstDiff.txn)), right: true },
  { header: 'reads', get: (c) => `${c.reads.from}/${c.reads.to}`, right: true },
  { header: 'details', get: describeComparison, flex: true },
];

export async function run(opts: CompareOpts, command: Command): Promise<void> {
  const from = await openSide(command, opts, 'from', true);
  let to: EventStore | null = null;
  const bar = new TopicBar(progressWanted(opts.progress));
  const ac = new AbortController();
  const onSigint = (): void => ac.abort();
  process.once('SIGINT', onSigint);
  try {
    to = await openSide(command, opts, 'to', true);
    const { compareStores } = await import('../../services/compare');
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
}

/** Topics compared of the total. */
class TopicBar {
  private bar: SingleBar | null = null;
  constructor(private readonly show: boolean) {}

  update(p: Progress): void {
    if (!this.show) return;
    const total = Math.max(p.total ?? p.done, 1);
    if (this.bar === null) {
      this.bar = newProgressBar('compare [{bar}] {value}/{total} topics | {phase}');
      this.bar.start(total, p.done, { phase: p.phase });
    }
    this.bar.update(Math.min(p.done, total), { phase: p.phase });
  }

  stop(): void {
    this.bar?.stop();
    this.bar = null;
  }
}
