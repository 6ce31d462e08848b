/**
 * The server's bearer tokens: parsing them from `--token TOKEN:ROLE[:NAME]` flags, a tokens file
 * (`TOKEN ROLE [NAME]` lines) and `TIDEMARK_TOKENS` (comma-separated `--token` values), naming the
 * unnamed ones `<role>-<n>` (n: 1-based position among all configured tokens, in the order flags,
 * file, environment; nothing derived from the secret), refusing duplicates, and looking a
 * presented token up by its SHA-256 digest (the table never keeps a secret). Splitting a
 * `--token` value: when the second-to-last `:`-field is a role name, it is the role and the last
 * field the name; else the last field must be the role and there is no name; everything before
 * the role is the token, so a token may contain `:`. When both of the last two fields are role
 * names the value is ambiguous and refused (give a name). Error messages never repeat a secret.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { type Role, isRole, parseRole } from '../model/access';
import { badRequest } from '../model/errors';

/** A token as configured by a caller of `startServer`/`buildApp`: the name is optional. */
export interface TokenSpec {
  token: string;
  role: Role;
  name?: string;
}

/** A configured token after naming. */
export interface NamedToken {
  token: string;
  role: Role;
  name: string;
}

/** What `startServer`/`buildApp` accept: named specs, or a plain token → role map (named by position). */
export type TokenConfig = ReadonlyMap<string, Role> | readonly TokenSpec[];

/** Who made a request: the token's role and name (name null when the server has no tokens). */
export interface Caller {
  role: Role;
  name: string | null;
}

/** Token names: what `by` records and logs show, so short, printable and free of `:` and spaces. */
export const TOKEN_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

/** Secrets: visible ASCII only (they travel in an HTTP header), no spaces. */
const TOKEN_SECRET = /^[\x21-\x7e]+$/;

interface Draft {
  token: string;
  role: Role;
  name: string | undefined;
  where: string;
}

function checkSecret(token: string, where: string): void {
  if (!TOKEN_SECRET.test(token)) {
    throw badRequest(`${where}: the token must be non-empty visible ASCII with no spaces`);
  }
}

function checkName(name: string, where: string): void {
  if (!TOKEN_NAME.test(name)) {
    throw badRequest(
      `${where}: token name ${JSON.stringify(name)} must be 1-64 characters of A-Z a-z 0-9 . _ @ -, starting with a letter or digit`,
    );
  }
}

/** One `TOKEN:ROLE[:NAME]` value (a `--token` flag or a `TIDEMARK_TOKENS` item). */
export function parseTokenSpec(spec: string, where: string): TokenSpec {
  const f = spec.split(':');
  const n = f.length;
  if (n < 2) {
    throw badRequest(`${where}: expected TOKEN:ROLE or TOKEN:ROLE:NAME (e.g. s3cret:admin:alice)`);
  }
  const last = f[n - 1]!;
  const prev = f[n - 2]!;
  let out: TokenSpec;
  if (n >= 3 && isRole(prev)) {
    if (isRole(last)) {
      throw badRequest(
        `${where}: ambiguous, the last two ":" fields are both role names; add a name (TOKEN:ROLE:NAME) that is not a role name`,
      );
    }
    out = { token: f.slice(0, n - 2).join(':'), role: prev, name: last };
    checkName(last, where);
  } else {
    out = { token: f.slice(0, n - 1).join(':'), role: parseRole(last, where) };
  }
  checkSecret(out.token, where);
  return out;
}

/** The `--tokens-file` text: `TOKEN ROLE [NAME]` per line; blank lines and `#` comments skipped. */
function parseTokensFile(file: { name: string; text: string }): Draft[] {
  const out: Draft[] = [];
  file.text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const where = `--tokens-file ${file.name} line ${i + 1}`;
    const parts = line.split(/\s+/);
    if (parts.length !== 2 && parts.length !== 3) {
      throw badRequest(`${where}: expected "TOKEN ROLE" or "TOKEN ROLE NAME", got ${parts.length} fields`);
    }
    const [token, role, name] = parts as [string, string, string | undefined];
    checkSecret(token, where);
    if (name !== undefined) checkName(name, where);
    out.push({ token, role: parseRole(role, where), name, where });
  });
  return out;
}

/** `TIDEMARK_TOKENS`: comma-separated `TOKEN:ROLE[:NAME]`; an empty value means none. */
function parseTokensEnv(text: string): Draft[] {
  if (text.trim() === '') return [];
  return text.split(',').map((item, i) => {
    const where = `TIDEMARK_TOKENS item ${i + 1}`;
    const spec = item.trim();
    if (spec === '') throw badRequest(`${where}: is empty (items are separated by single commas)`);
    const s = parseTokenSpec(spec, where);
    return { token: s.token, role: s.role, name: s.name, where };
  });
}

/** Names the drafts (`<role>-<n>` by position) and refuses a repeated secret or name. */
function nameAll(drafts: readonly Draft[]): NamedToken[] {
  const bySecret = new Map<string, NamedToken>();
  const names = new Set<string>();
  return drafts.map((d, i) => {
    const name = d.name ?? `${d.role}-${i + 1}`;
    const had = bySecret.get(d.token);
    if (had) {
      throw badRequest(
        `${d.where}: this token was already given the ${had.role} role (as "${had.name}"); each token may appear once`,
      );
    }
    if (names.has(name)) throw badRequest(`${d.where}: duplicate token name ${JSON.stringify(name)}`);
    const t: NamedToken = { token: d.token, role: d.role, name };
    bySecret.set(d.token, t);
    names.add(name);
    return t;
  });
}

/** Where `tidemark serve` found tokens, in the order that numbers unnamed ones. */
export interface TokenSources {
  /** `--token` values. */
  flags?: readonly string[];
  /** The `--tokens-file` (its name for messages, and its text). */
  file?: { name: string; text: string };
  /** The value of `TIDEMARK_TOKENS`, if set. */
  env?: string | undefined;
}

/** Every configured token, named, in the order flags, file, environment. */
export function parseTokens(src: TokenSources): NamedToken[] {
  const drafts: Draft[] = [];
  for (const flag of src.flags ?? []) {
    const s = parseTokenSpec(flag, '--token');
    drafts.push({ token: s.token, role: s.role, name: s.name, where: '--token' });
  }
  if (src.file) drafts.push(...parseTokensFile(src.file));
  if (src.env !== undefined) drafts.push(...parseTokensEnv(src.env));
  return nameAll(drafts);
}

function isTokenMap(c: TokenConfig): c is ReadonlyMap<string, Role> {
  return c instanceof Map;
}

/** What `startServer`/`buildApp` were given, checked and named. */
export function namedTokens(config: TokenConfig | undefined): NamedToken[] {
  if (config === undefined) return [];
  const specs: readonly TokenSpec[] = isTokenMap(config)
    ? [...config].map(([token, role]) => ({ token, role }))
    : config;
  return nameAll(
    specs.map((s, i) => {
      const where = `tokens[${i}]`;
      checkSecret(s.token, where);
      if (!isRole(s.role)) parseRole(String(s.role), where);
      if (s.name !== undefined) checkName(s.name, where);
      return { token: s.token, role: s.role, name: s.name, where };
    }),
  );
}

/**
 * Reads a tokens file. `warning` is set (one line, for stderr) when group or others may read or
 * write it (mode & 0o077; not checked on Windows, where the mode bits mean nothing).
 */
export function readTokensFile(path: string): { name: string; text: string; warning: string | null } {
  let text: string;
  let mode: number;
  try {
    text = readFileSync(path, 'utf8');
    mode = statSync(path).mode;
  } catch {
    throw badRequest(`--tokens-file: cannot read ${path}`);
  }
  const open = process.platform !== 'win32' && (mode & 0o077) !== 0;
  const warning = open
    ? `tidemark: warning: tokens file ${path} is accessible to group or others (mode ${(mode & 0o777).toString(8).padStart(3, '0')}); run chmod 600 ${path}`
    : null;
  return { name: path, text, warning };
}

const digest = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/** The configured tokens, kept as SHA-256 digests: presented token → caller. */
export class TokenTable {
  private readonly byDigest = new Map<string, Caller>();

  constructor(tokens: readonly NamedToken[]) {
    for (const t of tokens) this.byDigest.set(digest(t.token), { role: t.role, name: t.name });
  }

  /** No tokens configured: the server is open (and loopback only). */
  get open(): boolean {
    return this.byDigest.size === 0;
  }

  /** The caller a presented secret identifies, or undefined. */
  lookup(secret: string): Caller | undefined {
    return this.byDigest.get(digest(secret));
  }
}
