/**
 * `tidemark backup --db FILE --out FILE2 [--force]`: a consistent online copy of a SQLite store
 * while writers run (services/backup.ts: SQLite's backup API, written whole or not at all, then
 * verified against the source). Prints one JSON line `{"out","pages","topics","txns","events"}`.
 * A progress bar (pages copied, then transactions verified) goes to stderr on a terminal; Ctrl-C
 * cancels and leaves nothing at --out. For PostgreSQL and servers, `tidemark copy` into a file is
 * the backup (docs/operations.md).
 */
import type { SingleBar } from 'cli-progress';
import { type Command, Option } from 'commander';
import { newProgressBar, progressWanted } from './progress';

interface BackupOpts {
  db: string;
  out: string;
  force?: boolean;
  progress?: boolean;
}

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
    .action(async (opts: BackupOpts) => {
      const bar = new BackupBar(progressWanted(opts.progress));
      const ac = new AbortController();
      const onSigint = (): void => ac.abort();
      process.once('SIGINT', onSigint);
      try {
        const { backupStoreFile } = await import('../services/backup');
        const result = await backupStoreFile(opts.db, opts.out, {
          force: opts.force === true,
          signal: ac.signal,
          onProgress: (p) => bar.update('copy', p.pages, p.totalPages, 'pages'),
          onVerify: (txns) => bar.update('verify', txns, null, 'transactions'),
        });
        bar.stop();
        process.stdout.write(JSON.stringify(result) + '\n');
      } finally {
        bar.stop();
        process.off('SIGINT', onSigint);
      }
    });
}

/** Pages copied of the source's, then transactions verified. */
class BackupBar {
  private bar: SingleBar | null = null;
  private phase = '';
  constructor(private readonly show: boolean) {}

  update(phase: string, done: number, total: number | null, unit: string): void {
    if (!this.show) return;
    const t = Math.max(total ?? done, 1);
    if (this.bar === null || phase !== this.phase) {
      this.bar?.stop();
      this.bar = newProgressBar({
        stream: process.stderr,
        format: `backup {phase} [{bar}] {value}/{total} {unit}`,
        noTTYOutput: true,
        notTTYSchedule: 1000,
        fps: 5,
        hideCursor: null,
      });
      this.bar.start(t, 0, { phase, unit });
      this.phase = phase;
    }
    this.bar.setTotal(t);
    this.bar.update(Math.min(done, t), { phase, unit });
  }

  stop(): void {
    this.bar?.stop();
    this.bar = null;
  }
}
