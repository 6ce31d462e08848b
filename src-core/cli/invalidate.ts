/**
 * `tidemark invalidate --topic T --txn N --reason "..."`: marks transaction N invalid by appending
 * an invalidation marker (nothing is deleted). Prints the result `{"seq","txn","target",
 * "duplicate"}` as NDJSON or a table; invalidating an already invalid transaction is not an error,
 * it returns the existing marker with `duplicate: true` (and says so on stderr). The marker records
 * who invalidated: `--by` or the OS user name on a local store, the token's name on a server.
 */
import { type Command, Option } from 'commander';
import { LIMITS } from '../model/limits';
import { validateReason } from '../model/validate';
import type { InvalidateResult } from '../model/types';
import {
  type StoreOptionValues,
  addFormatOption,
  addStoreOptions,
  byOption,
  parsePositiveInt,
  parserFrom,
  resolveBy,
  resolveFormat,
  topicOption,
  withStore,
} from './options';
import { type Column, RowPrinter } from './output';

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

export function registerInvalidate(program: Command): void {
  const cmd = program
    .command('invalidate')
    .description('mark a transaction invalid (appends a marker; nothing is deleted)')
    .addOption(topicOption())
    .addOption(
      new Option('--txn <txn>', 'the transaction to invalidate').argParser(parsePositiveInt).makeOptionMandatory(),
    )
    .addOption(
      new Option('--reason <text>', `why (1-${LIMITS.reasonMax} characters)`)
        .argParser(parserFrom(validateReason, 'reason'))
        .makeOptionMandatory(),
    )
    .addOption(byOption());
  addFormatOption(cmd);
  addStoreOptions(cmd);
  cmd.action(async (opts: InvalidateOpts, command: Command) => {
    const by = resolveBy(opts);
    await withStore(command, opts, { mustExist: true }, async (store) => {
      const result = await store.invalidate(opts.topic, opts.txn, opts.reason, by === undefined ? {} : { by });
      await new RowPrinter(resolveFormat(opts.format), COLUMNS).page([result]);
      if (result.duplicate) {
        process.stderr.write(`tidemark: txn ${result.target} was already invalid (marker seq ${result.seq})\n`);
      }
    });
  });
}
