/**
 * `tidemark diff … --repair [--include different,missingInStore,missingInSnapshot] [--keys FILE]
 * [--dry-run] [--expect-max-seq N] [--by NAME] --reason TEXT`: the diff's options plus a repair's
 * (docs/diff.md "Repair"). The repair runs through the store's services (`servicesFor(store).repair`:
 * here for `--db`/`--pg`, on the server for `--url`) and prints one JSON line:
 * `{"summary","written","txns","asOf","dryRun"}`. `--keys` is NDJSON, one JSON string per line,
 * as the route's `keys` part (services/repair-options.ts reads both). The repair's options without
 * `--repair`, or `--repair` with options it does not take (`--as-of-txn`, `--out`, `--exit-code`)
 * or without `--reason`, are usage errors (exit 2) found before anything is read.
 */
import { readFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { LIMITS } from '../model/limits';
import { badRequest, notFound } from '../model/errors';
import type { RepairInclude } from '../model/types';
import { validateReason } from '../model/validate';
import type { RepairOptions, ServiceDiffOptions } from '../services/index';
import { REPAIR_INCLUDES, parseKeysNdjson } from '../services/repair-options';
import { splitList } from '../wire/diff-query';
import { EXIT } from './exit-codes';
import { type StoreOptionValues, byOption, parseNonNegativeInt, parserFrom, resolveBy } from './options';

export interface RepairCliValues extends StoreOptionValues {
  repair?: boolean;
  include?: string;
  keys?: string;
  dryRun?: boolean;
  reason?: string;
  expectMaxSeq?: number;
  by?: string;
  asOfTxn?: number;
  out?: string;
  exitCode?: boolean;
}

export function addRepairOptions(cmd: Command): void {
  cmd
    .option('--repair', 'write what makes the included rows equal, atomically (needs --reason)')
    .option(
      '--include <list>',
      `with --repair: comma list of ${REPAIR_INCLUDES.join(', ')} (default different,missingInStore)`,
    )
    .option('--keys <file>', 'with --repair: only these keys (NDJSON, one JSON string per line)')
    .option('--dry-run', 'with --repair: print what would be written, write nothing')
    .addOption(
      new Option(
        '--reason <text>',
        `with --repair: why (1-${LIMITS.reasonMax} characters), stored in meta.repair`,
      ).argParser(parserFrom(validateReason, 'reason')),
    )
    .addOption(
      new Option(
        '--expect-max-seq <n>',
        'with --repair: refuse (nothing written) unless the topic is at this seq',
      ).argParser(parseNonNegativeInt),
    )
    .addOption(byOption());
}

/** The repair's options, or null without `--repair`; usage errors through `command.error` (exit 2). */
export function repairOptionsOf(
  command: Command,
  opts: RepairCliValues,
  diff: ServiceDiffOptions,
  fileName: string,
): RepairOptions | null {
  const usage = (message: string): never => command.error(message, { exitCode: EXIT.usage });
  if (opts.repair !== true) {
    const stray = (['include', 'keys', 'dryRun', 'reason', 'expectMaxSeq', 'by'] as const).find(
      (k) => opts[k] !== undefined,
    );
    if (stray !== undefined)
      usage(`--${stray.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())} applies only with --repair`);
    return null;
  }
  if (opts.reason === undefined) usage('--repair needs --reason TEXT (why; stored in meta.repair)');
  if (opts.asOfTxn !== undefined) usage('--repair repairs the current surface; --as-of-txn cannot be used with it');
  if (opts.out !== undefined) usage('--out cannot be used with --repair (run the diff with --out first)');
  if (opts.exitCode === true) usage('--exit-code cannot be used with --repair');
  const { asOfTxn, includeEqual, onRow, ...rest } = diff;
  void [asOfTxn, includeEqual, onRow];
  const r: RepairOptions = { ...rest, reason: opts.reason!, name: fileName.split(/[\\/]/).pop() ?? fileName };
  if (opts.include !== undefined) r.include = splitList(opts.include, '--include') as RepairInclude[];
  if (opts.dryRun === true) r.dryRun = true;
  if (opts.expectMaxSeq !== undefined) r.expectMaxSeq = opts.expectMaxSeq;
  if (opts.keys !== undefined) r.keys = readKeys(opts.keys);
  const by = resolveBy(opts);
  if (by !== undefined && by !== null) r.by = by;
  return r;
}

function readKeys(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw notFound(`--keys: cannot read ${file}`);
  }
  if (text.length > LIMITS.repairKeysBytesMax)
    throw badRequest(`--keys: ${file} is larger than ${LIMITS.repairKeysBytesMax} bytes`);
  return parseKeysNdjson(text, '--keys');
}
