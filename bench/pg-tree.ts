/**
 * A tree's PostgreSQL append, loaded from its sources, for the in-process harnesses that compare
 * trees (bench/pg-set-ab.ts) or drive one (bench/pg-set-loop.ts): the store, its pool, and the
 * set-based append's pieces (`prepareTxn`, `ensureAppendFn`, `callAppendFn`) of a checkout of this
 * repository, e.g. this one and a worktree of an older commit.
 */
import { resolve } from 'node:path';
import type pg from 'pg';

export const PG_URL = process.env.TIDEMARK_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** The bench's key space (bench/pg.ts). */
export const KEYS = 20_000;

export interface TreeApi {
  openPostgresStore: (o: { url: string; schema: string }) => Promise<{ close(): Promise<void> }>;
  createDb: (url: string, schema: string) => { pool: pg.Pool };
  ensureAppendFn: (db: unknown, s: { usable: boolean | null }, c: pg.ClientBase) => Promise<boolean>;
  callAppendFn: (db: unknown, c: pg.ClientBase, p: unknown) => Promise<unknown>;
  prepareTxn: (topic: unknown, req: unknown) => unknown;
}

/** The append of the checkout at `tree`. */
export async function loadTree(tree: string): Promise<TreeApi> {
  const m = (f: string): Promise<Record<string, unknown>> =>
    import(resolve(tree, f)) as Promise<Record<string, unknown>>;
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
