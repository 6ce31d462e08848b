/**
 * What `tidemark republish` (../republish.ts) does: the dry-run plan or the re-publish itself,
 * through StoreServices (services/republish.ts).
 */
import type { Command } from 'commander';
import { canonicalJson } from '../../model/canonical';
import { LIMITS } from '../../model/limits';
import type { RepublishResult } from '../../model/store-api';
import type { JsonValue } from '../../model/types';
import type { StoreOptionValues } from '../options';
import { resolveBy, withStore } from '../open-store';
import { type Column, RowPrinter, resolveFormat } from '../output';

interface RepublishOpts extends StoreOptionValues {
  topic: string;
  txn: number;
  note?: string;
  dryRun?: boolean;
  expectMaxSeq?: number;
  by?: string;
  format?: string;
}

interface PlanRow {
  key: string;
  action: 'write' | 'skip';
  why: string;
  now: JsonValue | null;
  after: JsonValue | null;
}

const RESULT_COLUMNS: Column<RepublishResult>[] = [
  { header: 'target', get: (r) => String(r.target), right: true },
  { header: 'txn', get: (r) => (r.txn === null ? '-' : String(r.txn)), right: true },
  { header: 'written', get: (r) => String(r.written), right: true },
  { header: 'skipped', get: (r) => String(r.skipped), right: true },
];

const show = (v: JsonValue | null): string => (v === null ? '-' : canonicalJson(v));

const PLAN_COLUMNS: Column<PlanRow>[] = [
  { header: 'key', get: (r) => r.key, max: 40 },
  { header: 'action', get: (r) => r.action },
  { header: 'why', get: (r) => r.why },
  { header: 'now', get: (r) => show(r.now), max: 40 },
  { header: 'after', get: (r) => show(r.after), flex: true },
];

export async function run(opts: RepublishOpts, command: Command): Promise<void> {
  const by = resolveBy(opts);
  await withStore(command, opts, { mustExist: true }, async (store) => {
    // Loaded here, not at start-up: `tidemark --help` stays fast (docs/architecture.md).
    const { servicesFor } = await import('../../services/index');
    const services = servicesFor(store);
    if (opts.dryRun === true) {
      // A transaction holds at most LIMITS.eventsPerTxnMax events: one page lists every key.
      const p = await services.previewRepublish(opts.topic, opts.txn, LIMITS.pageMax);
      const rows: PlanRow[] = [
        ...p.rows.map((r) => ({
          key: r.key,
          action: 'write' as const,
          why: r.before === null ? 'absent now' : `older now (txn ${r.before.txn})`,
          now: r.before?.data ?? null,
          after: r.after?.data ?? null,
        })),
        ...p.skipped.map((r) => ({
          key: r.key,
          action: 'skip' as const,
          why: r.reason === 'changedLater' ? `changed later (txn ${r.current?.txn ?? '?'})` : 'unchanged',
          now: r.current?.data ?? null,
          after: null,
        })),
      ];
      await new RowPrinter(resolveFormat(opts.format), PLAN_COLUMNS).page(rows);
      process.stderr.write(
        `tidemark: would write ${p.writes} and skip ${p.skips} of ${p.keysTouched} keys; nothing written (state: --expect-max-seq ${p.asOf.maxSeq})\n`,
      );
      return;
    }
    const result = await services.republish(opts.topic, opts.txn, {
      ...(opts.note !== undefined ? { note: opts.note } : {}),
      ...(opts.expectMaxSeq !== undefined ? { expectMaxSeq: opts.expectMaxSeq } : {}),
      ...(by !== undefined ? { by } : {}),
    });
    await new RowPrinter(resolveFormat(opts.format), RESULT_COLUMNS).page([result]);
  });
}
