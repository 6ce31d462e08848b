/**
 * Options shared by the CLI commands: which store to open (`--db FILE | --url URL [--token T] |
 * --pg URL`), the output format (`--format ndjson|table`, default ndjson when stdout is not a
 * terminal), and strict parsers for numeric option values (the one integer rule of
 * model/parse.ts, the API's), `--meta` and `--by` (who and why). A bad value is rejected by
 * commander with a one-line message naming the option; nothing is ever guessed or clamped. What
 * they mean when a command runs (opening the store, `resolveBy`: who a write on a local store is
 * recorded as) is in open-store.ts, which the command definitions do not load.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { parseJsonText } from '../model/json-text';
import { LIMITS } from '../model/limits';
import { integerRule, parseInteger } from '../model/parse';
import type { JsonObject } from '../model/types';
import { validateBy, validateTopic } from '../model/validate';
import { prepareMeta } from '../store/meta';

export interface StoreOptionValues {
  db?: string;
  url?: string;
  token?: string;
  pg?: string;
  pgSchema?: string;
  /** `--progress` / `--no-progress` where the command has them (the migration bar follows them too). */
  progress?: boolean;
}

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

/** Adds `--after`, `--before`, `--limit` and `--order`; `unit` names the cursor (seq or txn). */
export function addOrderedCursorOptions(cmd: Command, unit: string, rows: string): Command {
  return cmd
    .addOption(
      new Option(`--after <${unit}>`, `start after this ${unit} (ascending order)`).argParser(parseNonNegativeInt),
    )
    .addOption(
      new Option(`--before <${unit}>`, `start before this ${unit} (with --order desc)`).argParser(parseNonNegativeInt),
    )
    .addOption(
      new Option('--limit <n>', `print at most n ${rows} (default 100)`).argParser(parsePositiveInt).conflicts('all'),
    )
    .addOption(
      new Option('--order <order>', 'asc (oldest first) or desc (newest first)')
        .choices(['asc', 'desc'])
        .default('asc'),
    );
}
