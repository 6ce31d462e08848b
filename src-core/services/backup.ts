/**
 * `tidemark backup --db FILE --out FILE2`: an online, consistent copy of a SQLite store while
 * writers run (store/sqlite/backup.ts, SQLite's backup API), written whole or not at all (the rule
 * of services/save.ts: a temporary file beside the target, renamed into place only once complete
 * and verified; an existing target is refused unless `force`), then verified by `verifyBackup`:
 * the copy must be a state the source really passed through (its head, per topic, is the source's
 * chain at the copy's last transaction) and sound on its own (`EventStore.verify`: numbering, data,
 * hashes, chains, markers, surface and counters).
 */
import { existsSync } from 'node:fs';
import { link, rename, rm } from 'node:fs/promises';
import { TidemarkError } from '../model/errors';
import { type BackupProgress, sqliteOnlineBackup } from '../store/sqlite/backup';
import { openSqliteStore } from '../store/sqlite/index';
import type { EventStore } from '../store/types';
import { reservePartialPath } from './save';

export interface BackupCheck {
  topics: number;
  txns: number;
  events: number;
}

export interface BackupOptions {
  /** Replace an existing `out` (default: refuse it). */
  force?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: BackupProgress) => void;
  /** Transactions verified so far (after the copy is written). */
  onVerify?: (txns: number) => void;
}

export interface BackupResult extends BackupCheck {
  out: string;
  pages: number;
}

function failed(message: string): TidemarkError {
  return new TidemarkError('INTERNAL', `backup verification failed: ${message}`);
}

function cancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw new TidemarkError('CANCELLED', 'backup cancelled; nothing was written');
}

/**
 * Checks a backup `copy` against its `source` (the one place of the rule): for every topic of the
 * copy, its head must equal the source's chain at the copy's last transaction, and the copy must
 * pass `verify` (store/verify.ts, the one check of a stored log).
 * Throws an INTERNAL error naming the topic and transaction; returns what was checked.
 */
export async function verifyBackup(
  source: EventStore,
  copy: EventStore,
  opts: { signal?: AbortSignal; onProgress?: (txns: number) => void } = {},
): Promise<BackupCheck> {
  const check: BackupCheck = { topics: 0, txns: 0, events: 0 };
  for (const info of await copy.listTopics()) {
    cancelled(opts.signal);
    const { topic, maxTxn, head } = info;
    const there = (await source.listTxns(topic, { after: maxTxn - 1, limit: 1 })).txns[0];
    if (there?.txn !== maxTxn || there.chain !== head) {
      throw failed(
        `topic "${topic}": the copy's head at transaction ${maxTxn} is ${head ?? 'null'}, the source's chain there is ${there?.txn === maxTxn ? there.chain : 'absent'}`,
      );
    }
    // The copy must also be sound on its own: the one verify (store/verify.ts) of every backend.
    const done = check.txns;
    const r = await copy.verify(topic, {
      ...(opts.signal ? { signal: opts.signal } : {}),
      onProgress: (p) => opts.onProgress?.(done + p.txns),
    });
    if (!r.ok && r.firstBad !== null) {
      const at = r.firstBad.txn === null ? '' : ` at transaction ${r.firstBad.txn}`;
      throw failed(`topic "${topic}": ${r.firstBad.what}${at}: ${r.firstBad.message}`);
    }
    if (r.head !== head)
      throw failed(`topic "${topic}": the copy's head ${head ?? 'null'} is not its last chain ${r.head}`);
    check.txns += r.txns;
    check.events += r.events;
    check.topics++;
  }
  return check;
}

/** Backs up the store file `db` to `out` and verifies the copy; nothing appears at `out` unless it verified. */
export async function backupStoreFile(db: string, out: string, opts: BackupOptions = {}): Promise<BackupResult> {
  if (!existsSync(db)) throw new TidemarkError('NOT_FOUND', `--db: no store file at ${db}`);
  if (opts.force !== true && existsSync(out)) {
    throw new TidemarkError('CONFLICT', `--out: ${out} already exists (use --force to replace it)`);
  }
  // A replaced store file must not keep a write-ahead log or journal of its own: SQLite would
  // replay it onto the copy. One exists while a process has the file open or after a crash.
  for (const side of ['-wal', '-journal']) {
    if (opts.force === true && existsSync(`${out}${side}`)) {
      throw new TidemarkError(
        'CONFLICT',
        `--out: ${out}${side} exists: ${out} is open in another process or was not closed cleanly; stop what uses it (or open it once with tidemark to recover it) and try again`,
      );
    }
  }
  const tmp = await reservePartialPath(out);
  const cleanup = (): Promise<unknown> =>
    Promise.all([tmp, `${tmp}-wal`, `${tmp}-shm`, `${tmp}-journal`].map((f) => rm(f, { force: true })));
  try {
    const done = await sqliteOnlineBackup(db, tmp, {
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    cancelled(opts.signal);
    const source = openSqliteStore(db, { readonly: true });
    let check: BackupCheck;
    try {
      const copy = openSqliteStore(tmp, { readonly: true });
      try {
        check = await verifyBackup(source, copy, {
          ...(opts.signal ? { signal: opts.signal } : {}),
          ...(opts.onVerify ? { onProgress: opts.onVerify } : {}),
        });
      } finally {
        await copy.close();
      }
    } finally {
      await source.close();
    }
    cancelled(opts.signal);
    await Promise.all([`${tmp}-wal`, `${tmp}-shm`].map((f) => rm(f, { force: true })));
    if (opts.force === true) await rename(tmp, out);
    else {
      // link() refuses an existing name: a file that appeared at `out` meanwhile is not replaced.
      try {
        await link(tmp, out);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
          throw new TidemarkError('CONFLICT', `--out: ${out} already exists (use --force to replace it)`);
        }
        throw e;
      }
      await rm(tmp, { force: true });
    }
    return { out, pages: done.totalPages, ...check };
  } finally {
    await cleanup();
  }
}
