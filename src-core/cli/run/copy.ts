/**
 * What `tidemark copy` (../copy.ts) does: opens both sides, copies (or follows) through
 * services/copy.ts with a bar per topic and phase, and prints the summary.
 */
import type { Command } from 'commander';
import { TidemarkError, hasErrorCode } from '../../model/errors';
import type { CopyHoldProblem, CopyProgress, CopyReport, TopicCopyReport } from '../../services/copy';
import type { EventStore } from '../../store/types';
import type { FromToValues } from '../options';
import { openSide } from '../open-store';
import { type Column, RowPrinter, resolveFormat } from '../output';
import { newProgressBar, progressWanted } from '../progress';

interface CopyOpts extends FromToValues {
  topic?: string[];
  follow?: boolean;
  progress?: boolean;
  format?: string;
}

const short = (h: string | null): string => (h === null ? '-' : `${h.slice(0, 12)}…`);

const COLUMNS: Column<TopicCopyReport>[] = [
  { header: 'topic', get: (r) => r.topic },
  { header: 'resumedAfter', get: (r) => String(r.resumedAfter), right: true },
  { header: 'imported', get: (r) => String(r.imported), right: true },
  { header: 'sourceHead', get: (r) => short(r.sourceHead) },
  { header: 'targetHead', get: (r) => short(r.targetHead) },
  { header: 'equal', get: (r) => String(r.equal) },
  { header: 'behind', get: (r) => String(r.behind), right: true },
];

/** One bar per topic and phase, on stderr. */
class CopyBar {
  private bar: ReturnType<typeof newProgressBar> | null = null;
  private key = '';
  constructor(private readonly show: boolean) {}
  update(p: CopyProgress): void {
    if (!this.show) return;
    const key = `${p.phase} ${p.topic}`;
    if (key !== this.key) {
      this.stop();
      this.key = key;
      this.bar = newProgressBar(`${p.phase} ${p.topic} [{bar}] {value}/{total} txns`);
      this.bar.start(Math.max(1, p.totalTxns), 0);
    }
    this.bar!.setTotal(Math.max(1, p.totalTxns, p.txns));
    this.bar!.update(p.txns);
  }
  stop(): void {
    this.bar?.stop();
    this.bar = null;
    this.key = '';
  }
}

export async function run(opts: CopyOpts, command: Command): Promise<void> {
  const bar = new CopyBar(progressWanted(opts.progress));
  const ac = new AbortController();
  const onSignal = (): void => ac.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let source: EventStore | null = null;
  let target: EventStore | null = null;
  try {
    source = await openSide(command, opts, 'from', true);
    target = await openSide(command, opts, 'to', false);
    const { copyStores, followCopy } = await import('../../services/copy');
    const base = {
      signal: ac.signal,
      onProgress: (p: CopyProgress) => bar.update(p),
      ...(opts.topic ? { topics: opts.topic } : {}),
    };
    let report: CopyReport;
    if (opts.follow === true) {
      report = await followCopy(source, target, {
        ...base,
        onRetry: (err) =>
          process.stderr.write(`tidemark: ${err instanceof Error ? err.message : String(err)}; retrying\n`),
        onLive: () => {
          bar.stop();
          process.stderr.write('tidemark: caught up; following the source (Ctrl-C to stop)\n');
        },
      });
    } else {
      report = await copyStores(source, target, base);
    }
    bar.stop();
    await new RowPrinter(resolveFormat(opts.format), COLUMNS).page(report.topics);
    const bad = report.topics.filter((t) => !t.equal && t.behind === 0);
    if (bad.length > 0) {
      throw new TidemarkError(
        'CONFLICT',
        `heads differ after the copy for ${bad.map((t) => `"${t.topic}"`).join(', ')}; run tidemark compare`,
      );
    }
    const behind = report.topics.filter((t) => t.behind > 0);
    if (behind.length > 0) {
      process.stderr.write(
        `tidemark: the source moved on during the copy (${behind.map((t) => `"${t.topic}" ${t.behind} txns`).join(', ')}); run copy again or use --follow\n`,
      );
    }
  } catch (e) {
    bar.stop();
    const problems = (e as { problems?: CopyHoldProblem[] }).problems;
    if (hasErrorCode(e) && Array.isArray(problems)) {
      for (const p of problems) process.stdout.write(JSON.stringify(p) + '\n');
    }
    throw e;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await source?.close();
    await target?.close();
  }
}
