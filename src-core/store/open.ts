/**
 * `openStoreFromOptions`: the one place that turns "which store?" options (`--db FILE`, `--url URL
 * [--token T]`, `--pg URL`) into an open `EventStore`. Exactly one backend may be named; with none,
 * the SQLite file `./tidemark.db` is used. Each backend is imported dynamically, so opening a
 * SQLite file never loads `pg` or the HTTP client, and vice versa. Used by every CLI command and
 * by the benchmarks.
 */
import { existsSync } from 'node:fs';
import { badRequest, notFound } from '../model/errors';
import { normalizeServerUrl } from '../wire/server-url';
import type { EventStore, MigrationProgressListener } from './types';

export const DEFAULT_DB_FILE = './tidemark.db';

export interface OpenStoreOptions {
  /** A SQLite store file (created if missing, unless `mustExist`). */
  db?: string;
  /** Base URL of a `tidemark serve` (http: or https:). */
  url?: string;
  /** Bearer token for `url`. */
  token?: string;
  /** A PostgreSQL connection URL (postgres: or postgresql:). */
  pg?: string;
  /** Added (backward compatible): PostgreSQL only, the schema holding the tables (default `tidemark`). */
  pgSchema?: string;
  /** SQLite only: the `synchronous` pragma (default: the engine's, FULL). */
  synchronous?: 'FULL' | 'NORMAL';
  /**
   * Added (backward compatible): SQLite only, refuse to create a missing file (NOT_FOUND). Read
   * commands set it so a typo in `--db` does not silently create an empty store.
   */
  mustExist?: boolean;
  /** SQLite and PostgreSQL: progress of the migration when opening upgrades the store (store/types.ts). */
  onMigrationProgress?: MigrationProgressListener;
}

function present(v: string | undefined): v is string {
  return v !== undefined;
}

export async function openStoreFromOptions(opts: OpenStoreOptions): Promise<EventStore> {
  const named = (['db', 'url', 'pg'] as const).filter((k) => present(opts[k]));
  if (named.length > 1) {
    throw badRequest(`use only one of --db, --url and --pg (got ${named.map((k) => `--${k}`).join(' and ')})`);
  }
  for (const k of named) {
    if (opts[k] === '') throw badRequest(`--${k}: must not be empty`);
  }
  if (present(opts.token) && !present(opts.url)) throw badRequest('--token: only applies with --url');
  if (present(opts.pgSchema) && !present(opts.pg)) throw badRequest('--pg-schema: only applies with --pg');
  if (present(opts.synchronous) && (present(opts.url) || present(opts.pg))) {
    throw badRequest('synchronous: only applies to a SQLite store (--db)');
  }

  if (present(opts.url)) {
    const url = normalizeServerUrl(opts.url, '--url');
    const { openHttpStore } = await import('./http/index');
    return openHttpStore(opts.token !== undefined ? { url, token: opts.token } : { url });
  }
  if (present(opts.pg)) {
    const url = checkUrl(opts.pg, '--pg', ['postgres:', 'postgresql:']);
    const { openPostgresStore } = await import('./postgres/index');
    return openPostgresStore({
      url,
      ...(opts.pgSchema !== undefined && { schema: opts.pgSchema }),
      ...(opts.onMigrationProgress !== undefined && { onMigrationProgress: opts.onMigrationProgress }),
    });
  }

  const file = opts.db ?? DEFAULT_DB_FILE;
  if (opts.mustExist === true && !existsSync(file)) {
    throw notFound(`no store file at ${file} (name one with --db FILE)`);
  }
  const { openSqliteStore } = await import('./sqlite/index');
  return openSqliteStore(file, {
    ...(opts.synchronous !== undefined && { synchronous: opts.synchronous }),
    ...(opts.onMigrationProgress !== undefined && { onMigrationProgress: opts.onMigrationProgress }),
  });
}

function checkUrl(value: string, option: string, protocols: string[]): string {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    // The value is not echoed: a connection URL may hold a password.
    throw badRequest(`${option}: is not a valid URL`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw badRequest(`${option}: must start with ${protocols.map((p) => `${p}//`).join(' or ')}`);
  }
  return value;
}

/**
 * The options naming one STORE given as a single value (`tidemark copy --from/--to`, `compare`):
 * an `http:`/`https:` URL is a server, a `postgres:`/`postgresql:` URL is PostgreSQL, anything
 * else is a SQLite file path (a path that looks like another URL scheme is refused rather than
 * taken as a file name). `option` names the flag in errors; `token` applies to a server only.
 */
export function storeSpecOptions(spec: string, option: string, token?: string): OpenStoreOptions {
  if (spec === '') throw badRequest(`${option}: must not be empty`);
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(spec)?.[1]?.toLowerCase();
  if (scheme === undefined) {
    if (token !== undefined) throw badRequest(`${option}: a token only applies to a server URL`);
    return { db: spec };
  }
  if (scheme === 'http' || scheme === 'https') {
    const url = normalizeServerUrl(spec, option);
    return token !== undefined ? { url, token } : { url };
  }
  if (scheme === 'postgres' || scheme === 'postgresql') {
    if (token !== undefined) throw badRequest(`${option}: a token only applies to a server URL`);
    return { pg: checkUrl(spec, option, ['postgres:', 'postgresql:']) };
  }
  throw badRequest(`${option}: ${scheme}:// is not a store (use a file path, http(s):// or postgres(ql)://)`);
}
