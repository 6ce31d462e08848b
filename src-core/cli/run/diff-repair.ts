/** The `--repair` options of `tidemark diff` (../diff-repair.ts) read into the repair's options. */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { LIMITS } from '../../model/limits';
import { badRequest, notFound } from '../../model/errors';
import type { RepairInclude } from '../../model/types';
import type { RepairOptions, ServiceDiffOptions } from '../../services/index';
import { parseKeysNdjson } from '../../services/repair-options';
import { splitList } from '../../wire/diff-query';
import type { RepairCliValues } from '../diff-repair';
import { EXIT } from '../exit-codes';
import { resolveBy } from '../open-store';

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
