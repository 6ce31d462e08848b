/**
 * `tidemark backup --db FILE --out FILE2 [--force]`: a consistent online copy of a SQLite store
 * while writers run (services/backup.ts: SQLite's backup API, written whole or not at all, then
 * verified against the source). Prints one JSON line `{"out","pages","topics","txns","events"}`.
 * A progress bar (pages copied, then transactions verified) goes to stderr on a terminal; Ctrl-C
 * cancels and leaves nothing at --out. For PostgreSQL and servers, `tidemark copy` into a file is
 * the backup (docs/operations.md). The action is run/backup.ts.
 */
import { type Command, Option } from 'commander';
import { lazyAction } from './lazy-action';

export function registerBackup(program: Command): void {
  program
    .command('backup')
    .description('copy a SQLite store file while writers run, verified, whole or not at all')
    .addOption(new Option('--db <file>', 'the SQLite store file to back up').makeOptionMandatory())
    .addOption(
      new Option(
        '--out <file>',
        'the backup file to write (refused if it exists, unless --force)',
      ).makeOptionMandatory(),
    )
    .option('--force', 'replace an existing --out')
    .option('--progress', 'always show the progress bar on stderr')
    .option('--no-progress', 'never show the progress bar')
    .action(lazyAction(() => import('./run/backup')));
}
