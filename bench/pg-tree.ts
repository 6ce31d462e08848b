/**
 * A tree's PostgreSQL store, loaded from its sources, for the in-process harnesses that compare
 * trees or drive one, a tree being a checkout of this repository (this one, or a worktree of an
 * older commit): its store (`openTreeStore`: bench/pg-sides.ts, bench/pg-floor.ts,
 * bench/pg-wal-records.ts), and its pool and set-based append's pieces (`loadTree`:
 * bench/pg-set-ab.ts, bench/pg-set-loop.ts).
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type pg from 'pg';
import type { EventInput } from '../src-core/model/types';

export interface TreeApi {
  openPostgresStore: (o: { url: string; schema: string }) => Promise<{ close(): Promise<void> }>;
  createDb: (url: string, schema: string) => { pool: pg.Pool };
  ensureAppendFn: (db: unknown, s: { usable: boolean | null }, c: pg.ClientBase) => Promise<boolean>;
  callAppendFn: (db: unknown, c: pg.ClientBase, p: unknown) => Promise<unknown>;
  prepareTxn: (topic: unknown, req: unknown) => unknown;
}

/** The module `file` (a path from the checkout's root) of the checkout at `tree`. */
function treeModule(tree: string, file: string): Promise<Record<string, unknown>> {
  return import(pathToFileURL(resolve(tree, file)).href) as Promise<Record<string, unknown>>;
}

/** The append of the checkout at `tree`. */
export async function loadTree(tree: string): Promise<TreeApi> {
  const m = (f: string): Promise<Record<string, unknown>> => treeModule(tree, f);
  const [idx, db, fn, prep] = await Promise.all([
    m('src-core/store/postgres/index.ts'),
    m('src-core/store/postgres/db.ts'),
    m('src-core/store/postgres/append-fn.ts'),
    m('src-core/store/prepare.ts'),
  ]);
  return {
    openPostgresStore: idx.openPostgresStore as TreeApi['openPostgresStore'],
    createDb: db.createDb as TreeApi['createDb'],
    ensureAppendFn: fn.ensureAppendFn as TreeApi['ensureAppendFn'],
    callAppendFn: fn.callAppendFn as TreeApi['callAppendFn'],
    prepareTxn: prep.prepareTxn as TreeApi['prepareTxn'],
  };
}

/** The part of a tree's store the single-event harnesses use. */
export interface TreeStore {
  append(topic: string, req: { events: EventInput[] }): Promise<unknown>;
  close(): Promise<void>;
}

/** Opens the store of the checkout at `tree` on PostgreSQL `url`, in `schema`. */
export async function openTreeStore(tree: string, url: string, schema: string): Promise<TreeStore> {
  const mod = await treeModule(tree, 'src-core/store/postgres/index.ts');
  const open = mod.openPostgresStore as (o: { url: string; schema: string }) => Promise<TreeStore>;
  return open({ url, schema });
}
