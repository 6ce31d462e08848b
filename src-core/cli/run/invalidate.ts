/**
 * What `tidemark invalidate` (../invalidate.ts) does: appends the marker, prints the result.
 */
import type { Command } from 'commander';
import type { InvalidateResult } from '../../model/types';
import type { StoreOptionValues } from '../options';
import { resolveBy, withStore } from '../open-store';
import { type Column, RowPrinter, resolveFormat } from '../output';

interface InvalidateOpts extends StoreOptionValues {
  topic: string;
  by?: string;
  txn: number;
  reason: string;
  format?: string;
}

const COLUMNS: Column<InvalidateResult>[] = [
  { header: 'seq', get: (r) => String(r.seq), right: true },
  { header: 'txn', get: (r) => String(r.txn), right: true },
  { header: 'target', get: (r) => String(r.target), right: true },
  { header: 'duplicate', get: (r) => String(r.duplicate) },
];

export async function run(opts: InvalidateOpts, command: Command): Promise<void> {
  const by = resolveBy(opts);
  await withStore(command, opts, { mustExist: true }, async (store) => {
    const result = await store.invalidate(opts.topic, opts.txn, opts.reason, by === undefined ? {} : { by });
    await new RowPrinter(resolveFormat(opts.format), COLUMNS).page([result]);
    if (result.duplicate) {
      process.stderr.write(`tidemark: txn ${result.target} was already invalid (marker seq ${result.seq})\n`);
    }
  });
}
