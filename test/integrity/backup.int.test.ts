/**
 * `tidemark backup` (services/backup.ts, store/sqlite/backup.ts) on real SQLite files: a backup
 * taken while a child process keeps writing to the source (test/crash/writer.ts) verifies, and its
 * log is a prefix of the source's on every topic (checked with compare); an existing --out is
 * refused (unchanged) unless --force; a cancelled backup leaves nothing behind; and verifyBackup
 * fails, naming the topic, for a copy that is not a state of its source or whose chain does not
 * recompute (a data byte changed in the copy's file).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src-core/cli/exit-codes';
import { backupStoreFile, verifyBackup } from '../../src-core/services/backup';
import { compareStores } from '../../src-core/services/compare';
import { openSqliteStore } from '../../src-core/store/sqlite/index';
import { runCli, tempDir } from '../cli/helpers';

const WRITER = join(import.meta.dirname, '../crash/writer.ts');
let tmp: { dir: string; cleanup: () => void };
let source: string;

/** Writes about 24 MiB to `file` (several backup steps' worth of pages). */
async function prefill(file: string): Promise<void> {
  const s = openSqliteStore(file, { synchronous: 'NORMAL' });
  for (let t = 0; t < 12; t++) {
    const events = Array.from({ length: 2000 }, (_, i) => ({ key: `p${i}`, data: { t, i, pad: 'y'.repeat(1000) } }));
    await s.append('bulk', { events });
  }
  await s.close();
}

beforeAll(async () => {
  tmp = tempDir();
  source = join(tmp.dir, 'source.db');
  await prefill(source);
});
afterAll(() => tmp.cleanup());

/** Starts the writer; resolves once it has acknowledged `enough` transactions. */
function startWriter(file: string, enough: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, file, 'B'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    let acks = 0;
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith('ack ') && ++acks === enough) resolve(child);
    });
    child.on('exit', (code, signal) => {
      if (signal === null) reject(new Error(`the writer exited (${code}): ${stderr}`));
    });
  });
}

function leftovers(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.includes('.partial-'));
}

describe('tidemark backup', () => {
  it('copies the store while a child process writes to it; the copy verifies and is a prefix of the source', async () => {
    const writer = await startWriter(source, 30);
    const out = join(tmp.dir, 'backup.db');
    let r;
    try {
      r = await runCli(['backup', '--db', source, '--out', out]);
    } finally {
      writer.kill('SIGTERM');
      await new Promise((resolve) =>
        writer.exitCode !== null || writer.signalCode !== null ? resolve(null) : writer.on('exit', resolve),
      );
    }
    expect(r.stderr).toBe('');
    expect(r.code).toBe(EXIT.ok);
    const result = JSON.parse(r.stdout) as { out: string; pages: number; topics: number; txns: number; events: number };
    expect(result).toMatchObject({ out, topics: 3 });
    expect(result.pages).toBeGreaterThan(2048);
    expect(leftovers(tmp.dir)).toEqual([]);

    // Independently of the backup's own check: every topic of the copy is the source's or a prefix of it.
    const copy = openSqliteStore(out, { readonly: true });
    const src = openSqliteStore(source, { readonly: true });
    try {
      const report = await compareStores(copy, src);
      expect(report.topics.map((t) => t.topic)).toEqual(['bulk', 'crash', 'crash.B']);
      for (const t of report.topics) {
        expect(t.result === 'equal' || (t.result === 'prefix' && t.side === 'to'), `${t.topic}: ${t.result}`).toBe(
          true,
        );
      }
      expect((await copy.topicInfo('bulk')).events).toBe(24_000);
      expect(await verifyBackup(src, copy)).toMatchObject({ topics: 3, txns: result.txns, events: result.events });
    } finally {
      await copy.close();
      await src.close();
    }
  });

  it('refuses an existing --out, leaving it unchanged; --force replaces it', async () => {
    const out = join(tmp.dir, 'exists.db');
    writeFileSync(out, 'keep me');
    const r = await runCli(['backup', '--db', source, '--out', out]);
    expect(r.code).toBe(EXIT.failure);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('already exists (use --force');
    expect(readFileSync(out, 'utf8')).toBe('keep me');
    const forced = await runCli(['backup', '--db', source, '--out', out, '--force']);
    expect(forced.code).toBe(EXIT.ok);
    const s = openSqliteStore(out, { readonly: true });
    expect((await s.topicInfo('bulk')).events).toBe(24_000);
    await s.close();
    expect(leftovers(tmp.dir)).toEqual([]);
  });

  it('--force refuses to replace a store that is open elsewhere (its -wal exists), leaving it as it was', async () => {
    const live = join(tmp.dir, 'live.db');
    const s = openSqliteStore(live);
    await s.append('l', { events: [{ key: 'k', data: 1 }] });
    try {
      const r = await runCli(['backup', '--db', source, '--out', live, '--force']);
      expect(r.code).toBe(EXIT.failure);
      expect(r.stderr).toContain('live.db-wal exists');
      expect((await s.topicInfo('l')).events).toBe(1);
      expect(await s.listTopics()).toHaveLength(1);
    } finally {
      await s.close();
    }
    expect(leftovers(tmp.dir)).toEqual([]);
  });

  it('a missing source is one line naming it; nothing is created', async () => {
    const out = join(tmp.dir, 'never.db');
    const r = await runCli(['backup', '--db', join(tmp.dir, 'absent.db'), '--out', out]);
    expect(r.code).toBe(EXIT.failure);
    expect(r.stderr).toContain('absent.db');
    expect(readdirSync(tmp.dir)).not.toContain('never.db');
  });

  it('a cancelled backup leaves nothing at --out', async () => {
    const out = join(tmp.dir, 'cancelled.db');
    const ac = new AbortController();
    const p = backupStoreFile(source, out, { signal: ac.signal, onProgress: () => ac.abort() });
    await expect(p).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(readdirSync(tmp.dir)).not.toContain('cancelled.db');
    expect(leftovers(tmp.dir)).toEqual([]);
  });

  it('verifyBackup names the topic of a copy that is not a state of the source, or that fails verify', async () => {
    const copyFile = join(tmp.dir, 'tamper.db');
    const other = join(tmp.dir, 'other.db');
    const s = openSqliteStore(other, { synchronous: 'NORMAL' });
    await s.append('bulk', { events: [{ key: 'p0', data: 1 }] });
    await s.close();
    const src = openSqliteStore(source, { readonly: true });
    try {
      const o = openSqliteStore(other, { readonly: true });
      await expect(verifyBackup(src, o)).rejects.toThrow(/topic "bulk": the copy's head at transaction 1/);
      await o.close();

      await backupStoreFile(source, copyFile);
      const db = new Database(copyFile);
      db.prepare(`UPDATE events SET data = replace(data, '"i":7,', '"i":8,') WHERE seq = 8`).run();
      db.close();
      const c = openSqliteStore(copyFile, { readonly: true });
      await expect(verifyBackup(src, c)).rejects.toThrow(/topic "bulk": data at transaction 1: /);
      await c.close();
    } finally {
      await src.close();
    }
  });
});
