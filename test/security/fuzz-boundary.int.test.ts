/**
 * Property-based fuzz test of the HTTP boundary (issue 9, "Tests that must exist"). Real
 * `tidemark serve` processes, one with a token of each role and one with no tokens (loopback
 * mode), over (a) real SQLite files and (b) real PostgreSQL schemas (skipped, with the reason
 * printed, only when PostgreSQL cannot be reached), get random raw requests over `node:net`: real
 * routes spelled every way a router might normalise (percent-encoding of any character, case
 * changes, double slashes, dot segments, trailing `;` `?` `#` `/`, absolute-form targets), random
 * methods, Authorization (none, garbage, each role's token), Host, Origin, Content-Type and
 * framing, and bodies from valid writes to hostile JSON (hostile.ts). For every answer: no 5xx;
 * every 4xx is the `{"error":{"code","message"}}` envelope with a JSON content type (401 with
 * `WWW-Authenticate`); no 2xx beyond what the caller's role may do, judged by route-oracle.ts from
 * what the target decodes to (in loopback mode: no 2xx for a foreign Host, none for a
 * state-changing route with a foreign Origin); an API path never gets the web UI; the store is
 * unchanged after every refused request and after every GET/HEAD; a body that API.md requires to
 * be refused is never written. Fixed seed (TIDEMARK_FUZZ_SEED), bounded runs (TIDEMARK_FUZZ_RUNS);
 * fast-check prints the seed and the shrunk request on failure. Most requests from the right role
 * with valid bodies must succeed, so the test is not vacuous.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src-core/model/types';
import { openSqliteStore } from '../../src-core/store/sqlite/index';
import type { EventStore } from '../../src-core/store/types';
import { tempDir } from '../http/helpers';
import { type Served, spawnServe } from '../http/spawn';
import { PG_URL, makePgStore, pgUnreachable } from '../postgres/pg-helpers';
import { FIELDS, type Hostile, type Shape, hostileArb, render } from './hostile';
import { type RawAnswer, type RawRequest, envelopeOf, sendRaw, answerJson } from './raw-http';
import { ROUTES, type RouteName, classify, mayPass } from './route-oracle';

const SEED = Number(process.env.TIDEMARK_FUZZ_SEED ?? 20_261_129);
const RUNS = Number(process.env.TIDEMARK_FUZZ_RUNS ?? 200);

const TOKENS: Record<Role, string> = { read: 'fz-read-secret', write: 'fz-write-secret', admin: 'fz-admin-secret' };
const ROLES: Role[] = ['read', 'write', 'admin'];

// ---------------------------------------------------------------------------------------------
// Servers

type Mode = 'tokens' | 'open';

interface Target {
  mode: Mode;
  port: number;
  store: EventStore;
  served: Served;
}

interface Backend {
  tokens: Target;
  open: Target;
  stop(): Promise<void>;
}

function tokenArgs(mode: Mode): string[] {
  return mode === 'open' ? [] : ROLES.flatMap((r) => ['--token', `${TOKENS[r]}:${r}`]);
}

async function serve(args: string[], cwd: string): Promise<Served & { port: number }> {
  const served = await spawnServe([...args, '--port', '0'], cwd);
  if (served.url === null) {
    served.proc.kill('SIGKILL');
    throw new Error(`tidemark serve did not start: ${served.firstLine ?? ''} ${served.stderr()}`);
  }
  return { ...served, port: Number(new URL(served.url).port) };
}

async function stopServed(s: Served): Promise<void> {
  if (s.proc.exitCode === null && s.proc.signalCode === null) s.proc.kill('SIGTERM');
  await s.exit;
}

/** A tiny web UI build, so the UI fallback is live and a fallback on an API path is visible. */
function writeUi(dir: string): string {
  const ui = join(dir, 'ui');
  mkdirSync(join(ui, 'assets'), { recursive: true });
  writeFileSync(
    join(ui, 'index.html'),
    '<!doctype html><title>Tidemark</title><script src="./assets/app.js"></script>',
  );
  writeFileSync(join(ui, 'assets', 'app.js'), 'void 0;\n');
  return ui;
}

type Kind = 'sqlite' | 'postgres';

/** One server and the test's own handle on its store (read-only for SQLite). */
async function startMode(
  kind: Kind,
  mode: Mode,
  dir: string,
  ui: string,
): Promise<{ target: Target; stop: () => Promise<void> }> {
  const args = ['--static', ui, ...tokenArgs(mode)];
  if (kind === 'sqlite') {
    const file = join(dir, `${mode}.db`);
    const served = await serve(['--db', file, ...args], dir);
    try {
      const store = openSqliteStore(file, { readonly: true });
      const stop = async (): Promise<void> => {
        await stopServed(served);
        await store.close();
      };
      return { target: { mode, port: served.port, served, store }, stop };
    } catch (e) {
      await stopServed(served);
      throw e;
    }
  }
  const h = await makePgStore();
  try {
    const served = await serve(['--pg', PG_URL, '--pg-schema', h.schema, ...args], dir);
    const stop = async (): Promise<void> => {
      await stopServed(served);
      await h.cleanup();
    };
    return { target: { mode, port: served.port, served, store: h.store }, stop };
  } catch (e) {
    await h.cleanup();
    throw e;
  }
}

/** A server with tokens and one without, side by side, each over a store of its own. */
async function startBackend(kind: Kind): Promise<Backend> {
  const dir = tempDir('tidemark-fuzz-');
  const ui = writeUi(dir);
  const results = await Promise.allSettled((['tokens', 'open'] as const).map((m) => startMode(kind, m, dir, ui)));
  const started = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const stop = async (): Promise<void> => {
    for (const s of started) await s.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) {
    await stop();
    throw failed.reason;
  }
  return { tokens: started[0]!.target, open: started[1]!.target, stop };
}

/** Topic counters: equal before and after a request means it wrote nothing. */
async function fingerprint(store: EventStore): Promise<string> {
  const topics = await store.listTopics();
  return topics
    .map((t) => `${t.topic} seq=${t.maxSeq} txn=${t.maxTxn} keys=${t.keys} events=${t.events} invalid=${t.invalidTxns}`)
    .sort()
    .join('\n');
}

function hostOk(t: Target): string {
  return `127.0.0.1:${t.port}`;
}

async function seed(t: Target): Promise<void> {
  const auth: [string, string][] = t.mode === 'tokens' ? [['Authorization', `Bearer ${TOKENS.admin}`]] : [];
  const post = async (path: string, body: unknown): Promise<void> => {
    const a = await sendRaw(t.port, {
      method: 'POST',
      target: path,
      headers: [['Host', hostOk(t)], ['Content-Type', 'application/json'], ...auth],
      body: Buffer.from(JSON.stringify(body)),
    });
    if (a.status !== 200) throw new Error(`seeding ${path}: ${a.status} ${a.text}`);
  };
  await post('/v1/topics/t1/txns', {
    events: [
      { key: 'a', data: 1 },
      { key: 'b', data: 2 },
    ],
  });
  await post('/v1/topics/t1/txns', { events: [{ key: 'a', data: 3 }] });
  await post('/v1/topics/t2/txns', { events: [{ key: 'x', data: 'y' }] });
  await post('/v1/topics/t1/txns/2/invalidate', { reason: 'seed' });
}

// ---------------------------------------------------------------------------------------------
// Requests, as small printable descriptions

/** One way to spell a path differently; a spelling is a short list of them (none: canonical). */
type Mutation =
  /** Flip the case of a literal character (index taken modulo their count). */
  | { m: 'flip'; at: number }
  /** Write `run` characters from `at` (separators included) as %XX; `at` < 4 is the `/v1/` prefix. */
  | { m: 'pct'; at: number; run: number; lower: boolean }
  /** Write a separator twice. */
  | { m: 'double'; at: number }
  /** Insert a dot-segment detour before a separator. */
  | { m: 'dot'; at: number; form: string }
  /** Append `;`, `?`, `#`, `/` and the like. */
  | { m: 'trail'; text: string }
  /** Send the absolute form (`http://host/path`). */
  | { m: 'abs'; prefix: string };

type Spelling = Mutation[];

type Auth =
  | { kind: 'none' }
  | { kind: 'token'; role: Role; scheme: 'Bearer ' | 'bearer ' | 'Bearer\t' | 'BEARER  ' }
  | { kind: 'garbage'; value: string };

type Body =
  | { kind: 'none' }
  | { kind: 'empty' }
  | { kind: 'valid'; keys: number[]; data: unknown; expectMaxSeq: number | null }
  | { kind: 'hostile'; hostile: Hostile }
  | { kind: 'text'; text: string };

interface Fuzz {
  mode: Mode;
  route: RouteName;
  topic: string;
  txn: string;
  method: string | null;
  spelling: Spelling;
  query: string;
  auth: Auth;
  host: string;
  origin: string | null;
  contentType: string | null;
  body: Body;
  chunked: boolean;
  bigHeader: boolean;
  /** Canonical spelling, a sufficient token, a valid body: should mostly succeed. */
  plain: boolean;
}

const ROUTE_NAMES = ROUTES.map((r) => r.name);
const routeDef = (name: RouteName): (typeof ROUTES)[number] => ROUTES.find((r) => r.name === name)!;

/** Topics as they appear in a path (percent-encoded where needed): good ones, then bad ones. */
/** Seeded topics (so a read or an invalidation finds something), then other good names. */
const SEEDED_TOPICS = ['t1', 't2'];
const TOPICS = ['demo.trades', 'fz.new-1', 'T1', 'a:b_c-d.e'];
const BAD_TOPICS = ['a%20b', '-bad', '%2e%2e', '%00', '%ED%A0%80', 'x'.repeat(201)];
/** The live tail waits on a topic without events: only seeded topics, or names refused at once. */
const BAD_STREAM_TOPICS = ['a%20b', '-bad'];
const TXNS = ['1', '2', '3'];
const BAD_TXNS = ['999999', '0', '-1', 'abc', '9007199254740993', '1.5', '%31'];
const QUERIES = ['?limit=1', '?after=0', '?bogus=1', '?limit=abc', '?limit=1&limit=2', '?format=csv', '?view=raw'];
const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'Application/JSON',
  'application/json; charset=latin1',
  'text/csv',
  'application/x-ndjson',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=zz',
  'text/plain',
];
const GARBAGE_AUTH = [
  'Bearer',
  'Bearer ',
  'Bearer nope',
  `Bearer ${TOKENS.admin}x`,
  `Bearer x${TOKENS.read}`,
  `Basic ${Buffer.from(`u:${TOKENS.admin}`).toString('base64')}`,
  `Token ${TOKENS.admin}`,
  TOKENS.admin,
  'Bearer \u00ff\u00fe',
];
const TEXT_BODIES = [
  '{"events":',
  'events=1&x=2',
  '--zz\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--zz--\r\n',
  'key,v\r\na,1\r\n',
  '{"key":"a","v":1}\n',
  'null',
  '[]',
  '{}',
  '{"events":[]}',
  '\u0000',
];
/** Host values; `@` stands for the server's port. */
const HOSTS_OK = ['127.0.0.1:@', 'localhost:@', '[::1]:@', '127.0.0.1'];
const HOSTS_BAD = ['evil.example', 'evil.example:@', '127.0.0.1.evil.example:@', 'localhost.evil.example'];
/** Origin values; `@` stands for the server's port. `own` is the server's own origin. */
const ORIGINS_FOREIGN = [
  'null',
  'http://evil.example',
  'https://127.0.0.1:@',
  'http://127.0.0.1:1',
  'http://127.0.0.1.evil.example:@',
];
const ORIGIN_OWN = 'http://127.0.0.1:@';
/** Origins that a server may reasonably count as its own (the same host by another loopback name). */
const ORIGINS_AMBIGUOUS = ['http://localhost:@', 'http://[::1]:@'];

const noSpelling: Spelling = [];

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      m: fc.constant('pct' as const),
      at: fc.oneof(fc.nat(3), fc.nat(200)),
      run: fc.integer({ min: 1, max: 3 }),
      lower: fc.boolean(),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      m: fc.constant('abs' as const),
      prefix: fc.constantFrom('http://127.0.0.1:@', 'http://x', 'HTTP://evil.example:1', 'https://x:443'),
    }),
  },
  { weight: 1, arbitrary: fc.record({ m: fc.constant('flip' as const), at: fc.nat(200) }) },
  { weight: 1, arbitrary: fc.record({ m: fc.constant('double' as const), at: fc.nat(10) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      m: fc.constant('dot' as const),
      at: fc.nat(10),
      form: fc.constantFrom('/.', '/zz/..', '/%2e', '/zz/%2E%2e', '/./zz/..', '/..'),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      m: fc.constant('trail' as const),
      text: fc.constantFrom(';', '?', '#', '/', '//', ';x', '#frag', '%3B', '/.'),
    }),
  },
);

const spellingArb: fc.Arbitrary<Spelling> = fc.array(mutationArb, { minLength: 1, maxLength: 3 });

/** How a suite tilts its random requests: the weight of each odd choice against 8 for the usual one. */
interface Focus {
  /** A random spelling of the path (usual: canonical). */
  spelled: number;
  /** Another method than the route's. */
  methods: number;
  /** No Authorization, or a garbage one (usual: a token of a random role). */
  strangers: number;
  /** A write route (usual: any route). */
  writes: number;
  /** A hostile body (usual: a valid one). */
  hostile: number;
  /** Bad topic names and txn numbers, odd query strings, empty or odd bodies. */
  junk: number;
  /** Another Content-Type than application/json, or none. */
  types: number;
  /** Another Host (foreign, other loopback names, none) or an Origin header. */
  headers: number;
}

const USUAL = 8;
const WRITE_ROUTES: RouteName[] = ['append', 'batch', 'invalidate', 'diff'];
const ODD_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'PROPFIND', 'get', 'FOO'];

function usualOr<T>(usual: T, weight: number, odd: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.oneof({ weight: USUAL, arbitrary: fc.constant(usual) }, { weight, arbitrary: odd });
}

function authArb(strangers: number): fc.Arbitrary<Auth> {
  return fc.oneof(
    {
      weight: USUAL,
      arbitrary: fc.record({
        kind: fc.constant('token' as const),
        role: fc.constantFrom(...ROLES),
        scheme: fc.constantFrom('Bearer ' as const, 'bearer ' as const, 'Bearer\t' as const, 'BEARER  ' as const),
      }),
    },
    { weight: strangers, arbitrary: fc.constant({ kind: 'none' as const }) },
    {
      weight: strangers,
      arbitrary: fc.record({ kind: fc.constant('garbage' as const), value: fc.constantFrom(...GARBAGE_AUTH) }),
    },
  );
}

const validBodyArb: fc.Arbitrary<Body> = fc.record({
  kind: fc.constant('valid' as const),
  keys: fc.array(fc.nat(5), { minLength: 1, maxLength: 3 }),
  data: fc.constantFrom<unknown>(1, 'x', null, { a: 1, b: [1, 2] }, [true, false], 1.5),
  expectMaxSeq: fc.option(fc.nat(12), { freq: 4, nil: null }),
});

function bodyArb(focus: Focus): fc.Arbitrary<Body> {
  return fc.oneof(
    { weight: USUAL, arbitrary: validBodyArb },
    { weight: focus.hostile, arbitrary: fc.record({ kind: fc.constant('hostile' as const), hostile: hostileArb }) },
    {
      weight: focus.junk,
      arbitrary: fc.oneof(
        fc.constant({ kind: 'none' as const }),
        fc.constant({ kind: 'empty' as const }),
        fc.record({ kind: fc.constant('text' as const), text: fc.constantFrom(...TEXT_BODIES) }),
      ),
    },
  );
}

function fuzzArb(focus: Focus): fc.Arbitrary<Fuzz> {
  return fc
    .record({
      mode: fc.constantFrom<Mode>('tokens', 'tokens', 'tokens', 'open'),
      route: fc.oneof(
        { weight: USUAL, arbitrary: fc.constantFrom(...ROUTE_NAMES) },
        { weight: focus.writes, arbitrary: fc.constantFrom(...WRITE_ROUTES) },
      ),
      topicPick: fc.nat(100),
      topicKind: fc.oneof(
        { weight: USUAL, arbitrary: fc.constant('seeded' as const) },
        { weight: 3, arbitrary: fc.constant('other' as const) },
        { weight: focus.junk, arbitrary: fc.constant('bad' as const) },
      ),
      txn: fc.oneof(
        { weight: USUAL, arbitrary: fc.constantFrom(...TXNS) },
        { weight: focus.junk, arbitrary: fc.constantFrom(...BAD_TXNS) },
      ),
      method: usualOr<string | null>(null, focus.methods, fc.constantFrom(...ODD_METHODS)),
      spelling: usualOr(noSpelling, focus.spelled, spellingArb),
      query: usualOr('', focus.junk, fc.constantFrom(...QUERIES)),
      auth: authArb(focus.strangers),
      host: usualOr('127.0.0.1:@', focus.headers, fc.constantFrom(...HOSTS_OK, ...HOSTS_BAD, '')),
      origin: usualOr<string | null>(
        null,
        focus.headers,
        fc.constantFrom(ORIGIN_OWN, ...ORIGINS_AMBIGUOUS, ...ORIGINS_FOREIGN),
      ),
      contentType: usualOr<string | null>(
        'application/json',
        focus.types,
        fc.constantFrom<string | null>(...CONTENT_TYPES, null),
      ),
      body: bodyArb(focus),
      chunked: fc.nat(9).map((n) => n === 9),
      bigHeader: fc.nat(40).map((n) => n === 40),
    })
    .map(({ topicPick, topicKind, ...r }) => {
      const stream = r.route === 'stream';
      const pool =
        topicKind === 'bad'
          ? stream
            ? BAD_STREAM_TOPICS
            : BAD_TOPICS
          : topicKind === 'other' && !stream
            ? TOPICS
            : SEEDED_TOPICS;
      return { ...r, topic: pool[topicPick % pool.length]!, plain: false };
    });
}

/** A well-formed request for `route` on seeded data, spelled `spelling`, from `auth`. */
function wellFormed(mode: Mode, route: RouteName, auth: Auth, body: Body, spelling: Spelling = noSpelling): Fuzz {
  return {
    mode,
    route,
    topic: 't1',
    txn: '1',
    method: null,
    spelling,
    query: '',
    auth,
    host: '127.0.0.1:@',
    origin: null,
    contentType: route === 'diff' ? 'text/csv' : 'application/json',
    body,
    chunked: false,
    bigHeader: false,
    plain: false,
  };
}

/** Canonical requests that a sound server answers 2xx (modulo a 409 or a duplicate). */
const plainArb: fc.Arbitrary<Fuzz> = fc
  .record({
    mode: fc.constantFrom<Mode>('tokens', 'tokens', 'open'),
    route: fc.constantFrom<RouteName>(
      'health',
      'whoami',
      'topics',
      'topic',
      'events',
      'stream',
      'txns',
      'txn',
      'preview',
      'surface',
      'export',
      'metrics',
      'append',
      'append',
      'batch',
      'sample',
      'diff',
      'invalidate',
    ),
    rolePick: fc.nat(2),
    body: validBodyArb.map((b) => ({ ...b, expectMaxSeq: null })),
  })
  .map(({ mode, route, rolePick, body }) => {
    const roles = ROLES.filter((r) => mayPass(r, routeDef(route).need));
    const auth: Auth = { kind: 'token', role: roles[rolePick % roles.length]!, scheme: 'Bearer ' };
    return { ...wellFormed(mode, route, auth, body), plain: true };
  });

/** Spellings that routers are known to normalise: tried on every route before the random runs. */
const KNOWN_SPELLINGS: Spelling[] = [
  [{ m: 'pct', at: 0, run: 1, lower: false }], // /%761/...
  [{ m: 'pct', at: 1, run: 1, lower: true }], // /v%31/...
  [{ m: 'pct', at: 2, run: 1, lower: false }], // /v1%2F...
  [{ m: 'abs', prefix: 'http://x' }],
  [{ m: 'double', at: 0 }],
  [{ m: 'dot', at: 0, form: '/zz/..' }],
  [{ m: 'dot', at: 1, form: '/%2e' }],
  [{ m: 'flip', at: 0 }],
  [{ m: 'trail', text: ';' }],
  [{ m: 'trail', text: '/' }],
  [{ m: 'trail', text: '#frag' }],
];

/** Every route in every known spelling, without a token and with each too-weak one. */
const KNOWN_BYPASSES: Fuzz[] = ROUTES.flatMap((r) => {
  const weak: Auth[] = [
    { kind: 'none' },
    ...ROLES.filter((role) => !mayPass(role, r.need)).map((role): Auth => ({ kind: 'token', role, scheme: 'Bearer ' })),
  ];
  const body: Body = { kind: 'valid', keys: [0], data: 1, expectMaxSeq: null };
  return KNOWN_SPELLINGS.flatMap((sp) => weak.map((auth) => wellFormed('tokens', r.name, auth, body, sp)));
});

/** One of each hostile kind in each place. */
const HOSTILE_VARIANTS: Hostile[] = [
  ...[1000, 100_000].flatMap((depth) =>
    (['array', 'object'] as const).map((container): Hostile => ({ kind: 'deep', depth, container, where: 'data' })),
  ),
  { kind: 'wide', members: 60_000 },
  ...FIELDS.flatMap((where): Hostile[] => [
    { kind: 'badUtf8', where, hex: 'ff' },
    { kind: 'badUtf8', where, hex: 'eda080' },
    { kind: 'surrogate', where, form: 'escape', unit: 'high' },
    { kind: 'surrogate', where, form: 'raw', unit: 'high' },
    { kind: 'nul', where },
  ]),
  ...(['data', 'nested', 'expectMaxSeq'] as const).map((where): Hostile => ({
    kind: 'bigint',
    where,
    digits: '9007199254740993',
  })),
  ...(['body', 'event', 'data'] as const).map((where): Hostile => ({ kind: 'dup', where })),
  { kind: 'hugeKey', length: 1025 },
];

/** Each variant sent first to each write route by an admin. */
const KNOWN_HOSTILE: Fuzz[] = (['append', 'batch', 'invalidate'] as const).flatMap((route) =>
  HOSTILE_VARIANTS.map((hostile) =>
    wellFormed('tokens', route, { kind: 'token', role: 'admin', scheme: 'Bearer ' }, { kind: 'hostile', hostile }),
  ),
);

// ---------------------------------------------------------------------------------------------
// Rendering a description to bytes

function pctEncode(c: string, lower: boolean): string {
  const hex = [...Buffer.from(c, 'utf8')].map((x) => '%' + x.toString(16).padStart(2, '0'));
  return (lower ? hex.map((h) => h.toLowerCase()) : hex.map((h) => h.toUpperCase())).join('');
}

/** The route's path with its parameters filled in, spelled as `s` says. */
function spellPath(route: RouteName, topic: string, txn: string, s: Spelling): string {
  const segs = routeDef(route)
    .path.split('/')
    .filter((x) => x !== '')
    .map((x) =>
      x === ':topic'
        ? { text: topic, literal: false }
        : x === ':txn'
          ? { text: txn, literal: false }
          : { text: x, literal: true },
    );
  // Characters with their kind; separators are characters too, so they can be percent-encoded.
  const chars: { c: string; literal: boolean; sep: boolean }[] = [];
  for (const seg of segs) {
    chars.push({ c: '/', literal: false, sep: true });
    for (const c of seg.text) chars.push({ c, literal: seg.literal, sep: false });
  }
  const literal = chars.filter((c) => c.literal && /[a-z]/i.test(c.c));
  for (const x of s) {
    const ch = x.m === 'flip' ? literal[x.at % literal.length] : undefined;
    if (ch) ch.c = ch.c === ch.c.toLowerCase() ? ch.c.toUpperCase() : ch.c.toLowerCase();
  }
  const out = chars.map((c) => c.c);
  // The first separator stays a real '/', so the target is still origin-form; a '%' already in a
  // parameter stays as it is, so the parameter keeps its meaning.
  const encodable = chars.map((_, i) => i).filter((i) => i > 0 && chars[i]!.c !== '%');
  const seps = chars.map((c, i) => (c.sep ? i : -1)).filter((i) => i >= 0);
  let trail = '';
  let abs = '';
  for (const x of s) {
    if (x.m === 'pct') {
      for (let k = 0; k < x.run; k++) {
        const i = encodable[(x.at + k) % encodable.length]!;
        if (!out[i]!.startsWith('%')) out[i] = pctEncode(chars[i]!.c, x.lower);
      }
    } else if (x.m === 'double') {
      const i = seps[x.at % seps.length]!;
      out[i] = '/' + out[i]!;
    } else if (x.m === 'dot') {
      const i = seps[x.at % seps.length]!;
      out[i] = x.form + out[i]!;
    } else if (x.m === 'trail') {
      trail += x.text;
    } else if (x.m === 'abs' && abs === '') {
      abs = x.prefix;
    }
  }
  return abs + out.join('') + trail;
}

function shapeOf(route: RouteName): Shape {
  return route === 'batch' ? 'batch' : route === 'invalidate' ? 'invalidate' : 'append';
}

/** The body bytes for a description, and whether API.md requires a write route to refuse it. */
function bodyBytes(f: Fuzz): { body: Buffer | null; mustRefuse: boolean } {
  const b = f.body;
  switch (b.kind) {
    case 'none':
      return { body: null, mustRefuse: false };
    case 'empty':
      return { body: Buffer.alloc(0), mustRefuse: false };
    case 'text':
      return { body: Buffer.from(b.text), mustRefuse: false };
    case 'hostile': {
      const r = render(b.hostile, shapeOf(f.route));
      return { body: r.body, mustRefuse: r.mustRefuse };
    }
    case 'valid': {
      const events = b.keys.map((k) => ({ key: `k${k}`, data: b.data }));
      const expect = b.expectMaxSeq === null ? {} : { expectMaxSeq: b.expectMaxSeq };
      let value: unknown;
      if (f.route === 'batch') value = { txns: [{ topic: 't2', events, ...expect }] };
      else if (f.route === 'invalidate') value = { reason: 'fuzz' };
      else if (f.route === 'diff') return { body: Buffer.from('key,v\r\nk1,1\r\nk2,x\r\n'), mustRefuse: false };
      else if (routeDef(f.route).method === 'GET' || f.route === 'sample') return { body: null, mustRefuse: false };
      else value = { events, ...expect };
      return { body: Buffer.from(JSON.stringify(value)), mustRefuse: false };
    }
  }
}

function authHeader(a: Auth): string | null {
  if (a.kind === 'none') return null;
  if (a.kind === 'garbage') return a.value;
  return `${a.scheme}${TOKENS[a.role]}`;
}

/** The role the caller holds (null: none). Scheme case and spacing are per RFC 7235. */
function roleOf(a: Auth): Role | null {
  return a.kind === 'token' ? a.role : null;
}

function build(f: Fuzz, t: Target): { req: RawRequest; mustRefuse: boolean } {
  const port = String(t.port);
  const target = spellPath(f.route, f.topic, f.txn, f.spelling).replace('@', port) + f.query;
  const headers: [string, string][] = [];
  if (f.host !== '') headers.push(['Host', f.host.replace('@', port)]);
  const auth = authHeader(f.auth);
  if (auth !== null) headers.push(['Authorization', auth]);
  if (f.origin !== null) headers.push(['Origin', f.origin.replace('@', port)]);
  const { body, mustRefuse } = bodyBytes(f);
  if (f.contentType !== null && body !== null) headers.push(['Content-Type', f.contentType]);
  if (f.bigHeader) headers.push(['X-Fuzz-Padding', 'p'.repeat(70_000)]);
  return {
    req: { method: f.method ?? routeDef(f.route).method, target, headers, body, chunked: f.chunked },
    mustRefuse,
  };
}

// ---------------------------------------------------------------------------------------------
// The properties

function describeRequest(r: RawRequest): string {
  const headers = r.headers.map(([n, v]) => `${n}: ${v.length > 80 ? `${v.slice(0, 40)}…(${v.length} chars)` : v}`);
  const body = r.body
    ? `${r.body.length} bytes${r.chunked ? ' chunked' : ''}: ${JSON.stringify(r.body.subarray(0, 120).toString('latin1'))}`
    : 'none';
  return `${r.method} ${r.target}\n  ${headers.join('\n  ')}\n  body ${body}`;
}

function describeAnswer(a: RawAnswer): string {
  return `${a.status} content-type=${a.headers['content-type'] ?? '(none)'}${a.cut ? ' (stream)' : ''} ${JSON.stringify(a.text.slice(0, 300))}`;
}

const isLoopbackHost = (host: string): boolean => HOSTS_OK.includes(host);
const isForeignOrigin = (origin: string | null): boolean => origin !== null && ORIGINS_FOREIGN.includes(origin);

/** The end of what the server wrote to stderr (where `tidemark serve` logs errors). */
function serverLog(t: Target): string {
  return JSON.stringify(t.served.stderr().slice(-1500));
}

interface Tally {
  plain: number;
  plainOk: number;
}

async function check(f: Fuzz, t: Target, tally: Tally): Promise<void> {
  const { req, mustRefuse } = build(f, t);
  const before = await fingerprint(t.store);
  let answer: RawAnswer;
  try {
    answer = await sendRaw(t.port, req);
  } catch (e) {
    const state = t.served.proc.exitCode !== null || t.served.proc.signalCode !== null ? 'has exited' : 'is running';
    throw new Error(
      `${e instanceof Error ? e.message : String(e)}\n[${t.mode} server, which ${state}] request:\n${describeRequest(req)}\n` +
        `server log (tail): ${serverLog(t)}`,
    );
  }
  const after = await fingerprint(t.store);
  const c = classify(req.method, req.target);
  const ok = answer.status >= 200 && answer.status < 300;
  const ct = answer.headers['content-type'] ?? '';
  const fail = (what: string): never => {
    throw new Error(
      `${what}\n[${t.mode} server] request:\n${describeRequest(req)}\nanswer: ${describeAnswer(answer)}\n` +
        `oracle: api=${c.api} need=${c.need} routes=${c.routes.join(',') || '-'}`,
    );
  };

  if (f.plain) {
    tally.plain++;
    if (ok) tally.plainOk++;
  }
  if (answer.status >= 500) fail(`a 5xx answer; server log (tail): ${serverLog(t)}`);
  if (answer.status >= 400) {
    if (!/^application\/json/i.test(ct)) fail('a 4xx without a JSON content type');
    if (req.method !== 'HEAD' && envelopeOf(answer) === null)
      fail('a 4xx without the {"error":{"code","message"}} envelope');
    if (answer.status === 401 && !/^Bearer/i.test(answer.headers['www-authenticate'] ?? '')) {
      fail('a 401 without WWW-Authenticate: Bearer');
    }
  }
  // The UI's own files (this test's build has only HTML and JavaScript) may answer a path that
  // some reading takes as a UI path; nothing else justifies a 2xx without the role.
  const isUi = /^text\/(html|javascript)/i.test(ct);
  if (c.api && isUi) fail('an API path answered with the web UI');
  if (ok && !(c.ui && isUi)) {
    if (t.mode === 'tokens' && !mayPass(roleOf(f.auth), c.need)) {
      fail(`a 2xx the caller's role (${roleOf(f.auth) ?? 'no valid token'}) does not allow`);
    }
    if (t.mode === 'open') {
      if (c.need === 'none') fail('a 2xx for an API path that names no route');
      if (c.anyApi && !isLoopbackHost(f.host)) fail('a 2xx in no-token mode for a Host that is not loopback');
      if ((c.need === 'write' || c.need === 'admin') && isForeignOrigin(f.origin)) {
        fail('a 2xx in no-token mode for a state-changing request from a foreign Origin');
      }
    }
  }
  if (ok) {
    if (mustRefuse && c.routes.length > 0) {
      if (c.routes.every((r) => r === 'append' || r === 'invalidate')) fail('a hostile body was accepted (2xx)');
      if (c.routes.every((r) => r === 'batch')) {
        const error = (answerJson(answer) as { error?: unknown } | null)?.error;
        if (error === null || error === undefined) fail('a hostile body was accepted by /v1/batch without an error');
      }
    }
  }
  if (!ok && after !== before) fail(`a refused request changed the store:\nbefore:\n${before}\nafter:\n${after}`);
  if ((req.method === 'GET' || req.method === 'HEAD') && after !== before) {
    fail(`a ${req.method} changed the store:\nbefore:\n${before}\nafter:\n${after}`);
  }
}

// ---------------------------------------------------------------------------------------------
// The suites

async function runProperty(
  b: Backend,
  arb: fc.Arbitrary<Fuzz>,
  runs: number,
  seedOffset: number,
  examples: Fuzz[] = [],
): Promise<Tally> {
  const tally: Tally = { plain: 0, plainOk: 0 };
  await fc.assert(
    fc.asyncProperty(arb, (f) => check(f, f.mode === 'tokens' ? b.tokens : b.open, tally)),
    // fast-check counts the examples in numRuns: `runs` random requests come after them.
    { seed: SEED + seedOffset, numRuns: runs + examples.length, examples: examples.map((e): [Fuzz] => [e]) },
  );
  return tally;
}

/** Mostly odd spellings, from callers without the role, with otherwise well-formed requests. */
const SPELLINGS: Focus = {
  spelled: 40,
  methods: 2,
  strangers: 12,
  writes: 2,
  hostile: 1,
  junk: 1,
  types: 2,
  headers: 4,
};
/** Mostly hostile bodies, on canonical write routes, from callers that hold the role. */
const HOSTILE: Focus = { spelled: 1, methods: 1, strangers: 1, writes: 24, hostile: 24, junk: 1, types: 1, headers: 2 };

function suite(name: string, start: () => Promise<Backend>): void {
  describe(name, () => {
    let b: Backend;
    beforeAll(async () => {
      b = await start();
      await seed(b.tokens);
      await seed(b.open);
    });
    afterAll(async () => {
      await b?.stop();
    });

    it('every spelling of every route, any method, token, Host and Origin: no 5xx, the envelope, no 2xx beyond the role, nothing changed when refused', async () => {
      const arb = fc.oneof({ weight: 1, arbitrary: plainArb }, { weight: 3, arbitrary: fuzzArb(SPELLINGS) });
      const tally = await runProperty(b, arb, RUNS, 0, KNOWN_BYPASSES);
      // Not vacuous: canonical requests from a sufficient role with valid bodies mostly succeed.
      expect(tally.plain).toBeGreaterThan(RUNS / 10);
      expect(tally.plainOk / tally.plain).toBeGreaterThanOrEqual(0.6);
    }, 120_000);

    it('hostile bodies (deep, wide, invalid UTF-8, lone surrogates, NUL, big integers, duplicate names, huge keys): refused with the envelope, never stored, never 5xx', async () => {
      const arb = fc.oneof({ weight: 1, arbitrary: plainArb }, { weight: 4, arbitrary: fuzzArb(HOSTILE) });
      const tally = await runProperty(b, arb, RUNS, 1, KNOWN_HOSTILE);
      expect(tally.plain).toBeGreaterThan(RUNS / 10);
      expect(tally.plainOk / tally.plain).toBeGreaterThanOrEqual(0.6);
    }, 120_000);
  });
}

const pgReason = await pgUnreachable();
if (pgReason !== null) console.warn(`fuzz-boundary: skipping the PostgreSQL variant: ${pgReason}`);

suite('fuzz the HTTP boundary over SQLite', () => startBackend('sqlite'));
describe.skipIf(pgReason !== null)('PostgreSQL', () => {
  suite('fuzz the HTTP boundary over PostgreSQL', () => startBackend('postgres'));
});
