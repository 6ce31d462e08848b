/**
 * `tidemark diff … --repair [--include different,missingInStore,missingInSnapshot] [--keys FILE]
 * [--dry-run] [--expect-max-seq N] [--by NAME] --reason TEXT`: the diff's options plus a repair's
 * (docs/diff.md "Repair"). The repair runs through the store's services (`servicesFor(store).repair`:
 * here for `--db`/`--pg`, on the server for `--url`) and prints one JSON line:
 * `{"summary","written","txns","asOf","dryRun"}`. `--keys` is NDJSON, one JSON string per line,
 * as the route's `keys` part (services/repair-options.ts reads both). The repair's options without
 * `--repair`, or `--repair` with options it does not take (`--as-of-txn`, `--out`, `--exit-code`)
 * or without `--reason`, are usage errors (exit 2) found before anything is read. This file defines
 * the options; run/diff-repair.ts reads them when the command runs.
 */
import { type Command, Option } from 'commander';
import { LIMITS } from '../model/limits';
import { validateReason } from '../model/validate';
import { REPAIR_INCLUDES } from '../services/repair-options';
import { type StoreOptionValues, byOption, parseNonNegativeInt, parserFrom } from './options';

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
