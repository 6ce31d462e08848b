/**
 * `tidemark republish --topic T --txn N [--note TEXT] [--dry-run] [--expect-max-seq N] [--by NAME]`:
 * undoes a mistaken invalidation without deleting anything (services/republish.ts): writes again,
 * as one new transaction with `meta.republishOf`, the events of invalidated transaction N whose
 * keys nothing later changed. `--dry-run` prints what it would do, one row per key of the
 * transaction (`write`, or `skip` with why), and writes nothing; its last line on stderr names
 * the state to pass as `--expect-max-seq`, so what was reviewed is what is written (a topic that
 * moved on since: exit with CONFLICT, nothing written). The same code runs on a local store and,
 * with `--url`, on the server (its re-publish routes). Who: `--by` or the OS user name on a local
 * store, the token's name on a server.
 */
import { type Command, Option } from 'commander';
import { LIMITS } from '../model/limits';
import type { RepublishResult } from '../model/store-api';
import { canonicalJson } from '../model/canonical';
import type { JsonValue } from '../model/types';
import { validateNote } from '../model/validate';
import {
  type StoreOptionValues,
  addFormatOption,
  addStoreOptions,
  byOption,
  parseNonNegativeInt,
  parsePositiveInt,
  parserFrom,
  resolveBy,
  resolveFormat,
  topicOption,
  withStore,
} from './options';
import { type Column, RowPrinter } from './output';

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

export function registerRepublish(program: Command): void {
  const cmd = program
    .command('republish')
    .description('undo an invalidation: write its events again where nothing later changed them')
    .addOption(topicOption())
    .addOption(
      new Option('--txn <txn>', 'the invalidated transaction').argParser(parsePositiveInt).makeOptionMandatory(),
    )
    .addOption(
      new Option('--note <text>', `why, stored as meta.note (1-${LIMITS.reasonMax} characters)`).argParser(
        parserFrom(validateNote, 'note'),
      ),
    )
    .option('--dry-run', 'print what would be written and skipped, and write nothing')
    .addOption(
      new Option(
        '--expect-max-seq <n>',
        "fail (nothing written) unless the topic's max seq is n: the state a --dry-run printed",
      ).argParser(parseNonNegativeInt),
    )
    .addOption(byOption());
  addFormatOption(cmd);
  addStoreOptions(cmd);
  cmd.action(async (opts: RepublishOpts, command: Command) => {
    const by = resolveBy(opts);
    await withStore(command, opts, { mustExist: true }, async (store) => {
      // Loaded here, not at start-up: `tidemark --help` stays fast (docs/architecture.md).
      const { servicesFor } = await import('../services/index');
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
  });
}
