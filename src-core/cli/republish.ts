/**
 * `tidemark republish --topic T --txn N [--note TEXT] [--dry-run] [--expect-max-seq N] [--by NAME]`:
 * undoes a mistaken invalidation without deleting anything (services/republish.ts): writes again,
 * as one new transaction with `meta.republishOf`, the events of invalidated transaction N whose
 * keys nothing later changed. `--dry-run` prints what it would do, one row per key of the
 * transaction (`write`, or `skip` with why), and writes nothing; its last line on stderr names
 * the state to pass as `--expect-max-seq`, so what was reviewed is what is written (a topic that
 * moved on since: exit with CONFLICT, nothing written). The same code runs on a local store and,
 * with `--url`, on the server (its re-publish routes). Who: `--by` or the OS user name on a local
 * store, the token's name on a server. The action is run/republish.ts.
 */
import { type Command, Option } from 'commander';
import { LIMITS } from '../model/limits';
import { validateNote } from '../model/validate';
import { lazyAction } from './lazy-action';
import {
  addFormatOption,
  addStoreOptions,
  byOption,
  parseNonNegativeInt,
  parsePositiveInt,
  parserFrom,
  topicOption,
} from './options';

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
  cmd.action(lazyAction(() => import('./run/republish')));
}
