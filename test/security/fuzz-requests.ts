/**
 * The random requests of the HTTP boundary fuzz test (fuzz-boundary.int.test.ts), as small
 * printable descriptions (`Fuzz`) so fast-check can shrink and print them: the fast-check
 * arbitraries (route spellings, methods, Authorization, Host, Origin, Content-Type, framing,
 * valid and hostile bodies, tilted by a `Focus`), the fixed examples tried before the random
 * runs (every route in every known spelling from a too-weak caller; every hostile variant on
 * every write route). fuzz-render.ts turns a description into bytes.
 */
import fc from 'fast-check';
import type { Role } from '../../src-core/model/types';
import { type Mode, ROLES, TOKENS } from './fuzz-servers';
import { FIELDS, type Hostile, hostileArb } from './hostile';
import { ROUTES, type RouteName, mayPass } from './route-oracle';

/** One way to spell a path differently; a spelling is a short list of them (none: canonical). */
export type Mutation =
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

export type Spelling = Mutation[];

export type Auth =
  | { kind: 'none' }
  | { kind: 'token'; role: Role; scheme: 'Bearer ' | 'bearer ' | 'Bearer\t' | 'BEARER  ' }
  | { kind: 'garbage'; value: string };

export type Body =
  | { kind: 'none' }
  | { kind: 'empty' }
  | { kind: 'valid'; keys: number[]; data: unknown; expectMaxSeq: number | null }
  | { kind: 'hostile'; hostile: Hostile }
  | { kind: 'text'; text: string };

export interface Fuzz {
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
export const routeDef = (name: RouteName): (typeof ROUTES)[number] => ROUTES.find((r) => r.name === name)!;

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
export const HOSTS_OK = ['127.0.0.1:@', 'localhost:@', '[::1]:@', '127.0.0.1'];
const HOSTS_BAD = ['evil.example', 'evil.example:@', '127.0.0.1.evil.example:@', 'localhost.evil.example'];
/** Origin values; `@` stands for the server's port. `own` is the server's own origin. */
export const ORIGINS_FOREIGN = [
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
export interface Focus {
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

export function fuzzArb(focus: Focus): fc.Arbitrary<Fuzz> {
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
export const plainArb: fc.Arbitrary<Fuzz> = fc
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
export const KNOWN_BYPASSES: Fuzz[] = ROUTES.flatMap((r) => {
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
export const KNOWN_HOSTILE: Fuzz[] = (['append', 'batch', 'invalidate'] as const).flatMap((route) =>
  HOSTILE_VARIANTS.map((hostile) =>
    wellFormed('tokens', route, { kind: 'token', role: 'admin', scheme: 'Bearer ' }, { kind: 'hostile', hostile }),
  ),
);
