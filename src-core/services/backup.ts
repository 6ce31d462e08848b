/**
 * `tidemark backup --db FILE --out FILE2`: an online, consistent copy of a SQLite store while
 * writers run (store/sqlite/backup.ts, SQLite's backup API), written whole or not at all (the rule
 * of services/save.ts: a temporary file beside the target, renamed into place only once complete
 * and verified; an existing target is refused unless `force`), then verified by `verifyBackup`:
 * the copy must be a state the source really passed through (its head, per topic, is the source's
 * chain at the copy's last transaction) and internally sound (every chain of the copy recomputes).
 */
import { existsSync } from 'node:fs';
import { link, rename, rm } from 'node:fs/promises';
import { TidemarkError } from '../model/errors';
import { LIMITS } from '../model/limits';
import { GENESIS, chainOfRead } from '../store/chain';
import { type BackupProgress, sqliteOnlineBackup } from '../store/sqlite/backup';
import { openSqliteStore } from '../store/sqlite/index';
import type { EventStore } from '../store/types';
import { reservePartialPath } from './save';
import { readImportTxns } from './txn-reader';

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
 * copy, its head must equal the source's chain at the copy's last transaction, and every chain of
 * the copy must recompute from its content (store/chain.ts `chainOfRead`) with dense numbering.
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
    const last = await recomputeChains(copy, topic, check, opts);
    if (last !== head)
      throw failed(`topic "${topic}": the copy's head ${head ?? 'null'} is not its last chain ${last}`);
    check.topics++;
  }
  return check;
}

/**
 * Recomputes every chain of `topic` (read as import units by services/txn-reader.ts, the one
 * reader of a log with its events); returns the last one.
 */
async function recomputeChains(
  store: EventStore,
  topic: string,
  check: BackupCheck,
  opts: { signal?: AbortSignal; onProgress?: (txns: number) => void },
): Promise<string> {
  let prev = GENESIS;
  let expectTxn = 1;
  let expectSeq = 1;
  const units = readImportTxns(store, topic, {
    pageTxns: LIMITS.pageMax,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  for await (const { txn: t, events } of units) {
    if (t.txn !== expectTxn || t.firstSeq !== expectSeq || t.lastSeq - t.firstSeq + 1 !== t.count) {
      throw failed(
        `topic "${topic}": transaction ${t.txn} is numbered out of order (expected txn ${expectTxn} from seq ${expectSeq})`,
      );
    }
    if (events.some((e, i) => e.seq !== t.firstSeq + i || e.txn !== t.txn)) {
      throw failed(`topic "${topic}": transaction ${t.txn} does not hold events ${t.firstSeq} to ${t.lastSeq}`);
    }
    const chain = chainOfRead(prev, t, events);
    if (chain !== t.chain) throw failed(`topic "${topic}": the chain of transaction ${t.txn} does not recompute`);
    prev = chain;
    expectTxn++;
    expectSeq = t.lastSeq + 1;
    check.txns++;
    check.events += t.count;
    if (check.txns % 1000 === 0) opts.onProgress?.(check.txns);
  }
  opts.onProgress?.(check.txns);
  return prev;
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
