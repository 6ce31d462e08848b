/**
 * What the shared store options of options.ts mean when a command runs: opening the store they
 * name (`--db | --url [--token] | --pg [--pg-schema]`, or one side of `--from`/`--to`) and who a
 * write is recorded as (`--by`). Apart from options.ts so that defining the commands (all that
 * `tidemark --help` does) loads none of this (docs/cli.md, "Start-up").
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { badRequest, notFound } from '../model/errors';
import { osUserName } from '../services/os-user';
import { type OpenStoreOptions, openStoreFromOptions, storeSpecOptions } from '../store/open';
import type { EventStore } from '../store/types';
import type { FromToValues, StoreOptionValues } from './options';
import { migrationProgress, progressWanted } from './progress';

/**
 * Opens the store named by the shared options. A token taken from the TIDEMARK_TOKEN environment
 * variable is ignored for --db/--pg (it only matters for --url); one given on the command line
 * without --url is an error.
 */
export async function openStore(
  cmd: Command,
  values: StoreOptionValues,
  extra: Pick<OpenStoreOptions, 'mustExist' | 'synchronous'> = {},
): Promise<EventStore> {
  const opts: OpenStoreOptions = { ...extra };
  if (values.db !== undefined) opts.db = values.db;
  if (values.url !== undefined) opts.url = values.url;
  if (values.pg !== undefined) opts.pg = values.pg;
  if (values.pgSchema !== undefined) opts.pgSchema = values.pgSchema;
  const token = values.token === '' ? undefined : values.token;
  if (token !== undefined && (values.url !== undefined || cmd.getOptionValueSource('token') === 'cli')) {
    opts.token = token;
  }
  if (opts.url !== undefined || opts.pg !== undefined) delete opts.mustExist;
  if (opts.url === undefined) {
    // Opening an older SQLite file or PostgreSQL schema upgrades it: a bar while it chains.
    const bar = migrationProgress(progressWanted(values.progress));
    if (bar !== undefined) opts.onMigrationProgress = bar;
  }
  return openStoreFromOptions(opts);
}

/** Runs `fn` with an open store and always closes it. */
export async function withStore<T>(
  cmd: Command,
  values: StoreOptionValues,
  extra: Pick<OpenStoreOptions, 'mustExist' | 'synchronous'>,
  fn: (store: EventStore) => Promise<T>,
): Promise<T> {
  const store = await openStore(cmd, values, extra);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/**
 * Who a write or an invalidation is recorded as: for a server (`--url`) nothing is sent (the
 * server records the name of the token, and `--by` is refused); for a local store `--by`, else
 * the OS user name, else (no user entry) null.
 */
export function resolveBy(values: StoreOptionValues & { by?: string }): string | null | undefined {
  if (values.url !== undefined) {
    if (values.by !== undefined) {
      throw badRequest(
        '--by: a server records the name of the token that made the request; --by applies to --db and --pg',
      );
    }
    return undefined;
  }
  if (values.by !== undefined) return values.by;
  return osUserName();
}

/**
 * Opens one side of `addFromToOptions`. A token from the environment applies to a server only (a
 * file or PostgreSQL side ignores it); one given on the command line for a non-server is refused.
 * `mustExist`: a SQLite file side must already exist (named by its option, so a typo never creates
 * an empty store).
 */
export async function openSide(
  cmd: Command,
  values: FromToValues,
  side: 'from' | 'to',
  mustExist: boolean,
): Promise<EventStore> {
  const option = `--${side}`;
  const tokenKey = side === 'from' ? 'fromToken' : 'toToken';
  const given = values[tokenKey] === '' ? undefined : values[tokenKey];
  const isServer = /^https?:\/\//i.test(values[side]);
  const token = given !== undefined && (isServer || cmd.getOptionValueSource(tokenKey) === 'cli') ? given : undefined;
  const opts = storeSpecOptions(values[side], option, token);
  const schema = side === 'from' ? values.fromPgSchema : values.toPgSchema;
  if (schema !== undefined) {
    if (opts.pg === undefined) throw badRequest(`${option}-pg-schema: only applies to a PostgreSQL URL`);
    opts.pgSchema = schema;
  }
  if (opts.db !== undefined && mustExist && !existsSync(opts.db)) {
    throw notFound(`${option}: no store file at ${opts.db}`);
  }
  return openStoreFromOptions(opts);
}
