/**
 * The CLI's bar while opening a store migrates it (src-core/cli/progress.ts `migrationProgress`):
 * the real `tidemark write` on a real version-2 SQLite file (a current store taken back to version
 * 2: chain and head columns dropped, the heads rows back in `latest`) upgrades it and, with
 * `--progress`, draws rows rewritten (transactions chained, heads rows) of the total on stderr;
 * without a terminal and without `--progress` it draws nothing.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION, openSqliteStore } from '../../src-core/store/sqlite/index';
import { writeManyTxns } from '../contract/migrated';
import { runCli, tempDir } from './helpers';

let tmp: { dir: string; cleanup: () => void };
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

/** A version-2 store file with 1,300 one-event transactions in topic `many`. */
async function v2File(): Promise<string> {
  const file = join(tmp.dir, 'v2.db');
  const store = openSqliteStore(file);
  try {
    await writeManyTxns(store, 1300);
  } finally {
    await store.close();
  }
  const db = new Database(file);
  db.exec(`ALTER TABLE txns DROP COLUMN chain; ALTER TABLE topics DROP COLUMN head; ALTER TABLE topics DROP COLUMN heads_seq;
    CREATE TABLE latest (topic_id INTEGER NOT NULL, key TEXT NOT NULL, vseq INTEGER, vh INTEGER, vlive INTEGER NOT NULL,
      rseq INTEGER NOT NULL, rlive INTEGER NOT NULL, PRIMARY KEY (topic_id, key)) WITHOUT ROWID;
    INSERT INTO latest SELECT topic_id, key, valid, 0, 1, valid, 1 FROM heads;
    DROP TABLE heads;`);
  db.pragma('user_version = 2');
  db.close();
  return file;
}

const version = (file: string): number => {
  const db = new Database(file, { readonly: true });
  try {
    return db.pragma('user_version', { simple: true }) as number;
  } finally {
    db.close();
  }
};

describe('tidemark: the migration bar', () => {
  it('draws rows rewritten of the total while a command upgrades the store (--progress)', async () => {
    const file = await v2File();
    const r = await runCli(['write', '--db', file, '--topic', 'many', '--progress'], {
      input: '{"key":"z","data":1}\n',
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('upgrading the store');
    expect(r.stderr).toContain('2600/2600 rows rewritten'); // 1,300 transactions chained, 1,300 heads rows
    expect(version(file)).toBe(SCHEMA_VERSION);
    expect(JSON.parse(r.stdout)).toMatchObject({ written: 1, firstTxn: 1301 });
  });

  it('draws nothing into a pipe without --progress, and nothing when the store is current', async () => {
    const file = await v2File();
    const r = await runCli(['write', '--db', file, '--topic', 'many'], { input: '{"key":"y","data":1}\n' });
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('upgrading');
    expect(version(file)).toBe(SCHEMA_VERSION);
    const again = await runCli(['write', '--db', file, '--topic', 'many', '--progress'], {
      input: '{"key":"x","data":1}\n',
    });
    expect(again.code).toBe(0);
    expect(again.stderr).not.toContain('upgrading');
  });
});
