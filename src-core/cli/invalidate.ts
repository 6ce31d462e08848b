/**
 * `tidemark invalidate --topic T --txn N --reason "..."`: marks transaction N invalid by appending
 * an invalidation marker (nothing is deleted). Prints the result `{"seq","txn","target",
 * "duplicate"}` as NDJSON or a table; invalidating an already invalid transaction is not an error,
 * it returns the existing marker with `duplicate: true` (and says so on stderr). The marker records
 * who invalidated: `--by` or the OS user name on a local store, the token's name on a server. The
 * action is run/invalidate.ts.
 */
import { type Command, Option } from 'commander';
import { LIMITS } from '../model/limits';
import { validateReason } from '../model/validate';
import { lazyAction } from './lazy-action';
import { addFormatOption, addStoreOptions, byOption, parsePositiveInt, parserFrom, topicOption } from './options';

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
  cmd.action(lazyAction(() => import('./run/invalidate')));
}
