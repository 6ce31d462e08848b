/**
 * The Electron bundles' better-sqlite3 stand-in, on real SQLite files in plain Node: the addon named
 * in TIDEMARK_SQLITE_ADDON is loaded by databases opened with or without options (a missing one
 * fails naming its path, Node's own build works), an explicit `nativeBinding` is left alone, an
 * unset variable means the package's own addon, and a value that is not an absolute path is refused
 * naming the variable. `setSqliteAddon` (main's entry) sets and removes it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type RealDatabase from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import Database, { SQLITE_ADDON_ENV, setSqliteAddon, sqliteAddon, sqliteModuleFile } from './sqlite-binding';

const nodeAddon = createRequire(import.meta.url).resolve('better-sqlite3/build/Release/better_sqlite3.node');
let dir: string;
const saved = process.env[SQLITE_ADDON_ENV];

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tidemark-sqlite-binding-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => setSqliteAddon(process.env, saved));

function roundTrip(db: RealDatabase.Database): number {
  try {
    db.exec('CREATE TABLE IF NOT EXISTS t (x INTEGER)');
    db.prepare('INSERT INTO t VALUES (?)').run(7);
    return (db.prepare('SELECT sum(x) AS s FROM t').get() as { s: number }).s;
  } finally {
    db.close();
  }
}

describe('the stand-in Database', () => {
  it('loads the addon the environment names, for databases opened without options', () => {
    const missing = path.join(dir, 'missing', 'better_sqlite3.node');
    setSqliteAddon(process.env, missing);
    expect(() => new Database(path.join(dir, 'a.db'))).toThrow(missing);
    expect(() => new Database(path.join(dir, 'a.db'), { readonly: false })).toThrow(missing);
    setSqliteAddon(process.env, nodeAddon);
    expect(roundTrip(new Database(path.join(dir, 'b.db')))).toBe(7);
  });

  it("keeps an explicit nativeBinding, and uses the package's own addon when none is named", () => {
    setSqliteAddon(process.env, path.join(dir, 'missing.node'));
    expect(roundTrip(new Database(path.join(dir, 'c.db'), { nativeBinding: nodeAddon }))).toBe(7);
    setSqliteAddon(process.env, undefined);
    expect(process.env[SQLITE_ADDON_ENV]).toBeUndefined();
    expect(roundTrip(new Database(path.join(dir, 'd.db')))).toBe(7);
  });

  it('refuses a value that is not an absolute path, naming the variable', () => {
    process.env[SQLITE_ADDON_ENV] = 'better_sqlite3.node';
    expect(() => new Database(path.join(dir, 'e.db'))).toThrow(/TIDEMARK_SQLITE_ADDON must be the absolute path/);
    process.env[SQLITE_ADDON_ENV] = '';
    expect(() => sqliteAddon(process.env)).toThrow(/TIDEMARK_SQLITE_ADDON must be the absolute path/);
  });
});

describe('setSqliteAddon and sqliteAddon', () => {
  it('write and read one variable; a bad path changes nothing', () => {
    const env: Record<string, string | undefined> = {};
    expect(sqliteAddon(env)).toBeUndefined();
    setSqliteAddon(env, nodeAddon);
    expect(env).toEqual({ TIDEMARK_SQLITE_ADDON: nodeAddon });
    expect(sqliteAddon(env)).toBe(nodeAddon);
    expect(() => setSqliteAddon(env, 'relative.node')).toThrow(/relative\.node/);
    expect(env).toEqual({ TIDEMARK_SQLITE_ADDON: nodeAddon });
    setSqliteAddon(env, undefined);
    expect(env).toEqual({});
  });

  it("names its own file as the module the diff spill's worker requires", () => {
    expect(sqliteModuleFile()).toBe(path.join(import.meta.dirname, 'sqlite-binding.ts'));
  });
});
