/**
 * What `tidemark backup` (../backup.ts) does: services/backup.ts with a progress bar and Ctrl-C.
 */
import type { SingleBar } from 'cli-progress';
import { newProgressBar, progressWanted } from '../progress';

interface BackupOpts {
  db: string;
  out: string;
  force?: boolean;
  progress?: boolean;
}

export async function run(opts: BackupOpts): Promise<void> {
  const bar = new BackupBar(progressWanted(opts.progress));
  const ac = new AbortController();
  const onSigint = (): void => ac.abort();
  process.once('SIGINT', onSigint);
  try {
    const { backupStoreFile } = await import('../../services/backup');
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
      this.bar = newProgressBar(`backup {phase} [{bar}] {value}/{total} {unit}`);
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
