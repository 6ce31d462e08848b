/**
 * Options shared by the CLI commands: which store to open (`--db FILE | --url URL [--token T] |
 * --pg URL`), the output format (`--format ndjson|table`, default ndjson when stdout is not a
 * terminal), and strict parsers for numeric option values (the one integer rule of
 * model/parse.ts, the API's), `--meta` and `--by` (who and why: `resolveBy` decides who a write on
 * a local store is recorded as). A bad value is rejected by commander with a one-line message naming
 * the option; nothing is ever guessed or clamped.
 */
import { existsSync } from 'node:fs';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { badRequest, notFound } from '../model/errors';
import { parseJsonText } from '../model/json-text';
import { LIMITS } from '../model/limits';
import { integerRule, parseInteger } from '../model/parse';
import type { JsonObject } from '../model/types';
import { validateBy, validateTopic } from '../model/validate';
import { osUserName } from '../services/os-user';
import { migrationProgress, progressWanted } from './progress';
import { prepareMeta } from '../store/meta';
import { type OpenStoreOptions, openStoreFromOptions, storeSpecOptions } from '../store/open';
import type { EventStore } from '../store/types';

export interface StoreOptionValues {
  db?: string;
  url?: string;
  token?: string;
  pg?: string;
  pgSchema?: string;
  /** `--progress` / `--no-progress` where the command has them (the migration bar follows them too). */
  progress?: boolean;
}

export type OutputFormat = 'ndjson' | 'table';

/** Adds `--db`, `--url`, `--token`, `--pg` and `--pg-schema` to a command. */
export function addStoreOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--db <file>', 'SQLite store file (default: ./tidemark.db)'))
    .addOption(new Option('--url <url>', 'a Tidemark server, e.g. http://127.0.0.1:4180').conflicts(['db', 'pg']))
    .addOption(new Option('--token <token>', 'bearer token for --url').env('TIDEMARK_TOKEN'))
    .addOption(new Option('--pg <url>', 'a PostgreSQL URL, e.g. postgres://user@host/db').conflicts(['db']))
    .addOption(new Option('--pg-schema <name>', 'PostgreSQL schema of the store (default: tidemark)'));
}

/** Adds `--format`. */
export function addFormatOption(cmd: Command): Command {
  return cmd.addOption(
    new Option(
      '--format <format>',
      'output format (default: ndjson when stdout is not a terminal, else table)',
    ).choices(['ndjson', 'table']),
  );
}

export function resolveFormat(value: string | undefined): OutputFormat {
  if (value === 'ndjson' || value === 'table') return value;
  return process.stdout.isTTY ? 'table' : 'ndjson';
}

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

/** A commander parser of an integer from `min` to `max` by the one rule of model/parse.ts. */
function integerParser(min: number, max?: number): (value: string) => number {
  const rule = integerRule(min, max);
  return (value: string): number => {
    const n = parseInteger(value, min, max);
    if (n === null) throw new InvalidArgumentError(`must be ${rule}.`);
    return n;
  };
}

export const parseNonNegativeInt = integerParser(0);
export const parsePositiveInt = integerParser(1);
export const parseRange = (min: number, max: number): ((value: string) => number) => integerParser(min, max);

/**
 * A commander argument parser from a model validator, so the CLI and the API accept exactly the
 * same values: the validator's error becomes commander's one-line message, without its
 * `field: ` prefix (commander already names the option).
 */
export function parserFrom<T>(validate: (value: string) => T, field: string): (value: string) => T {
  return (value: string): T => {
    try {
      return validate(value);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw new InvalidArgumentError(message.startsWith(`${field}: `) ? message.slice(field.length + 2) : message);
    }
  };
}

export const parseTopic = parserFrom(validateTopic, 'topic');

/** `--topic <name>`, required, validated. */
export function topicOption(): Option {
  return new Option('--topic <name>', 'the topic').argParser(parseTopic).makeOptionMandatory();
}

/** `--meta <json>`: a JSON object stored with each transaction, checked as the store checks it. */
export function metaOption(what: string): Option {
  return new Option('--meta <json>', `a JSON object stored with ${what} (at most 4 KiB as canonical JSON)`).argParser(
    parserFrom((text: string): JsonObject => {
      const value = parseJsonText(text) as JsonObject;
      prepareMeta(value, 'meta');
      return value;
    }, 'meta'),
  );
}

/** `--by <name>`: who a write on a local store (`--db`, `--pg`) is recorded as. */
export function byOption(): Option {
  return (
    new Option(
      '--by <name>',
      `who the write is recorded as, with --db or --pg (1-${LIMITS.byMax} characters; default: your OS user name); a server records the name of the --token`,
    )
      .argParser(parserFrom(validateBy, 'by'))
      // A usage error (exit 2) before anything runs: a server sets `by` from the token.
      .conflicts('url')
  );
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

/** `--topic <name>`, repeatable and validated; absent means every topic. */
export function topicsOption(what: string): Option {
  return new Option('--topic <name>', `${what} only this topic (repeatable; default: every topic)`).argParser(
    (value: string, prev: string[] | undefined) => [...(prev ?? []), parseTopic(value)],
  );
}

/** The values of `addFromToOptions`. */
export interface FromToValues {
  from: string;
  to: string;
  fromToken?: string;
  toToken?: string;
  fromPgSchema?: string;
  toPgSchema?: string;
}

/**
 * `--from STORE --to STORE` with each side's token (`--from-token`, `--to-token`, or
 * TIDEMARK_FROM_TOKEN / TIDEMARK_TO_TOKEN) and PostgreSQL schema (`--from-pg-schema`,
 * `--to-pg-schema`): the two stores of `copy` and `compare`, named by one rule (store/open.ts
 * `storeSpecOptions`: a file, a server URL or a PostgreSQL URL).
 */
export function addFromToOptions(cmd: Command, help: { from: string; to: string }): Command {
  return cmd
    .addOption(new Option('--from <store>', help.from).makeOptionMandatory())
    .addOption(new Option('--to <store>', help.to).makeOptionMandatory())
    .addOption(new Option('--from-token <token>', 'bearer token when --from is a server').env('TIDEMARK_FROM_TOKEN'))
    .addOption(new Option('--to-token <token>', 'bearer token when --to is a server').env('TIDEMARK_TO_TOKEN'))
    .addOption(new Option('--from-pg-schema <name>', 'PostgreSQL schema of --from (default: tidemark)'))
    .addOption(new Option('--to-pg-schema <name>', 'PostgreSQL schema of --to (default: tidemark)'));
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
