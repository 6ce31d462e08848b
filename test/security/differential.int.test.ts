/**
 * Differential test of the backends (issue 9, "Tests that must exist"): the same random writes,
 * sent as raw HTTP to a server over a fresh SQLite file and to a server over a fresh PostgreSQL
 * schema, must get the same status, error code and message (the same response, `time` aside), and
 * leave the same stored result: the topic list, every topic's events, transactions and surface
 * (valid and raw) read page by page, compared with `time`, `lastTime` and the time-derived `chain`
 * and `head` left out. Writes are sequences of appends (repeated keys and data, so duplicates;
 * tombstones; writer hashes; contentType; expectMaxSeq), batches, invalidations, and hostile
 * inputs (hostile.ts: deep data, big integers, duplicate member names, invalid UTF-8, and lone
 * surrogates and NUL in topic, key, contentType, reason and data; bad topic names). Each run gets
 * fresh stores; every server, file and schema is removed at the end of its run (afterAll sweeps
 * up after a failure). Fixed seed (TIDEMARK_DIFF_SEED), bounded runs (TIDEMARK_DIFF_RUNS).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src-core/server/index';
import { openSqliteStore } from '../../src-core/store/sqlite/index';
import { tempDir } from '../http/helpers';
import { makePgStore, pgUnreachable } from '../postgres/pg-helpers';
import { type Hostile, hostileArb, render } from './hostile';
import { type RawAnswer, answerJson, sendRaw } from './raw-http';

const SEED = Number(process.env.TIDEMARK_DIFF_SEED ?? 20_261_130);
const RUNS = Number(process.env.TIDEMARK_DIFF_RUNS ?? 50);

// ---------------------------------------------------------------------------------------------
// Random writes

const GOOD_TOPICS = ['t1', 't2', 'T1', 'a:b.c-d_e'];
const BAD_TOPICS = ['', '-x', 'a b', 'a\u0000b', 'x\uD800', 'é', 'x'.repeat(201)];
const KEYS = ['a', 'b', 'c', 'é', '\uFB00', '😀', 'a b'];
const BAD_KEYS = ['', '$invalidate', 'k'.repeat(1025), 'a\u0000b', 'x\uD800', '\uDC00y'];
const DATA: unknown[] = [1, 2, 'x', null, null, { a: 1, b: 2 }, { b: 2, a: 1 }, [1, 2], 1.5, true, 1e-7, -0, ''];
/** Values that are valid JSON but that a backend may mangle, or that every backend must refuse alike (1e21: beyond ±2^53). */
const ODD_DATA: unknown[] = ['\u0000', 'x\uD800', { '\u0000': 1 }, { 'k\uDC00': [1] }, 'é😀', 9007199254740991, 1e21];
const CONTENT_TYPES = ['text/plain', 'application/json', 'application/x-thing; v=1'];
const BAD_CONTENT_TYPES = ['', 'x\uD800', 'a\u0000b', 't'.repeat(201)];
const HASHES = ['1'.repeat(64), 'f'.repeat(64)];
const REASONS = ['fix', 'ü', 'r'.repeat(1000)];
const BAD_REASONS = ['', 'r'.repeat(1001), 'x\uD800', 'a\u0000b'];

interface EventSpec {
  key: string;
  data: unknown;
  contentType?: string;
  hash?: string;
}

interface TxnSpec {
  topic: string;
  events: EventSpec[];
  /** `current`: the topic's max seq as the SQLite server reports it just before the write. */
  expectMaxSeq?: number | 'current';
}

type Op =
  | ({ op: 'append' } & TxnSpec)
  | { op: 'batch'; txns: TxnSpec[] }
  | { op: 'invalidate'; topic: string; txn: number; reason: string }
  | { op: 'hostile'; route: 'append' | 'batch' | 'invalidate'; topic: string; txn: number; hostile: Hostile };

/** Usual values, and now and then (1 in `1 + weight`) an odd one. */
const mostly = <T>(usual: T[], odd: T[], weight = 20): fc.Arbitrary<T> =>
  fc.oneof({ weight, arbitrary: fc.constantFrom(...usual) }, { weight: 1, arbitrary: fc.constantFrom(...odd) });

const topicArb = mostly(GOOD_TOPICS, BAD_TOPICS, 12);

/** Mostly absent (undefined), else mostly a usual value, now and then an odd one. */
const sometimes = <T>(usual: T[], odd: T[]): fc.Arbitrary<T | undefined> =>
  fc.oneof(
    { weight: 18, arbitrary: fc.constant(undefined) },
    { weight: 8, arbitrary: fc.constantFrom(...usual) },
    { weight: 1, arbitrary: fc.constantFrom(...odd) },
  );

const eventArb: fc.Arbitrary<EventSpec> = fc.record({
  key: mostly(KEYS, BAD_KEYS, 30),
  data: mostly(DATA, ODD_DATA, 8),
  contentType: sometimes(CONTENT_TYPES, BAD_CONTENT_TYPES),
  hash: sometimes(HASHES, ['XYZ', '1'.repeat(63)]),
});

const txnArb: fc.Arbitrary<TxnSpec> = fc.record({
  topic: topicArb,
  events: fc.array(eventArb, { minLength: 1, maxLength: 4 }),
  expectMaxSeq: fc.oneof(
    { weight: 4, arbitrary: fc.constant(undefined) },
    { weight: 2, arbitrary: fc.constant('current' as const) },
    { weight: 1, arbitrary: fc.nat(6) },
  ),
});

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: txnArb.map((t) => ({ op: 'append' as const, ...t })) },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('batch' as const), txns: fc.array(txnArb, { minLength: 1, maxLength: 3 }) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('invalidate' as const),
      topic: topicArb,
      txn: fc.integer({ min: 1, max: 6 }),
      reason: mostly(REASONS, BAD_REASONS, 6),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('hostile' as const),
      route: fc.constantFrom('append' as const, 'batch' as const, 'invalidate' as const),
      topic: fc.constantFrom(...GOOD_TOPICS),
      txn: fc.integer({ min: 1, max: 4 }),
      hostile: hostileArb,
    }),
  },
);

// ---------------------------------------------------------------------------------------------
// Requests

/** A path segment: percent-encoded UTF-8, a lone surrogate as its 3 (CESU) bytes. */
function segment(s: string): string {
  let out = '';
  for (const ch of s) {
    const u = ch.codePointAt(0)!;
    out +=
      u >= 0xd800 && u <= 0xdfff
        ? [0xe0 | (u >> 12), 0x80 | ((u >> 6) & 0x3f), 0x80 | (u & 0x3f)]
            .map((x) => '%' + x.toString(16).toUpperCase())
            .join('')
        : encodeURIComponent(ch);
  }
  return out;
}

interface Call {
  method: 'GET' | 'POST';
  path: string;
  body?: Buffer;
}

function toCall(op: Op): Call {
  const json = (v: unknown): Buffer => Buffer.from(JSON.stringify(v), 'utf8');
  const txnBody = (t: TxnSpec): Record<string, unknown> => ({
    events: t.events,
    ...(t.expectMaxSeq !== undefined ? { expectMaxSeq: t.expectMaxSeq } : {}),
  });
  switch (op.op) {
    case 'append':
      return { method: 'POST', path: `/v1/topics/${segment(op.topic)}/txns`, body: json(txnBody(op)) };
    case 'batch':
      return {
        method: 'POST',
        path: '/v1/batch',
        body: json({ txns: op.txns.map((t) => ({ topic: t.topic, ...txnBody(t) })) }),
      };
    case 'invalidate':
      return {
        method: 'POST',
        path: `/v1/topics/${segment(op.topic)}/txns/${op.txn}/invalidate`,
        body: json({ reason: op.reason }),
      };
    case 'hostile': {
      const body = render(op.hostile, op.route, op.topic).body;
      const t = segment(op.topic);
      const path =
        op.route === 'batch'
          ? '/v1/batch'
          : op.route === 'append'
            ? `/v1/topics/${t}/txns`
            : `/v1/topics/${t}/txns/${op.txn}/invalidate`;
      return { method: 'POST', path, body };
    }
  }
}

async function send(port: number, c: Call): Promise<RawAnswer> {
  const headers: [string, string][] = [['Host', `127.0.0.1:${port}`]];
  if (c.body) headers.push(['Content-Type', 'application/json']);
  return sendRaw(port, { method: c.method, target: c.path, headers, body: c.body ?? null });
}

/** Replaces `expectMaxSeq: 'current'` with the topic's max seq on the server at `port` (0 if none). */
async function resolveOp(op: Op, port: number): Promise<Op> {
  const resolveTxn = async (t: TxnSpec): Promise<TxnSpec> => {
    if (t.expectMaxSeq !== 'current') return t;
    const a = await send(port, { method: 'GET', path: `/v1/topics/${segment(t.topic)}` });
    const maxSeq = (answerJson(a) as { maxSeq?: unknown } | null)?.maxSeq;
    return { ...t, expectMaxSeq: a.status === 200 && typeof maxSeq === 'number' ? maxSeq : 0 };
  };
  if (op.op === 'append') return { ...op, ...(await resolveTxn(op)) };
  if (op.op === 'batch') {
    const txns: TxnSpec[] = [];
    for (const t of op.txns) txns.push(await resolveTxn(t));
    return { ...op, txns };
  }
  return op;
}

// ---------------------------------------------------------------------------------------------
// Comparison

/** Fields that depend on the wall clock (and the chain, which covers the commit time). */
const VOLATILE = new Set(['time', 'lastTime', 'chain', 'head']);

function stable(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stable);
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (!VOLATILE.has(k)) out[k] = stable(x);
    return out;
  }
  return v;
}

/** What two backends must agree on in an answer; a 5xx's message may carry a request id. */
function comparable(a: RawAnswer): unknown {
  const body = answerJson(a);
  if (a.status >= 500) {
    const code = (body as { error?: { code?: unknown } } | null)?.error?.code;
    return { status: a.status, code };
  }
  return { status: a.status, body: body === null ? a.text : stable(body) };
}

class Differs extends Error {}

function same(label: string, s: RawAnswer, p: RawAnswer): void {
  const a = JSON.stringify(comparable(s));
  const b = JSON.stringify(comparable(p));
  if (a !== b) {
    throw new Differs(
      `${label}: the backends differ\n  SQLite:     ${a.slice(0, 600)}\n  PostgreSQL: ${b.slice(0, 600)}`,
    );
  }
}

interface Pair {
  sqlite: number;
  pg: number;
}

async function both(pair: Pair, label: string, c: Call): Promise<RawAnswer> {
  const s = await send(pair.sqlite, c);
  const p = await send(pair.pg, c);
  same(label, s, p);
  return s;
}

/** Pages through one listing on both servers; `next` tells how to ask for the following page. */
async function pages(pair: Pair, label: string, first: string, next: (page: unknown) => string | null): Promise<void> {
  let path: string | null = first;
  for (let i = 0; path !== null; i++) {
    if (i > 200) throw new Error(`${label}: more than 200 pages (a cursor that never ends?)`);
    const a = await both(pair, `${label} ${path}`, { method: 'GET', path });
    path = a.status === 200 ? next(answerJson(a)) : null;
  }
}

async function compareStores(pair: Pair): Promise<void> {
  const list = await both(pair, 'GET /v1/topics', { method: 'GET', path: '/v1/topics' });
  const topics = ((answerJson(list) as { topics?: { topic: string }[] } | null)?.topics ?? []).map((t) => t.topic);
  for (const topic of topics) {
    const base = `/v1/topics/${segment(topic)}`;
    await both(pair, 'topic info', { method: 'GET', path: base });
    await pages(pair, 'events', `${base}/events?limit=3`, (p) => {
      const n = (p as { next?: unknown }).next;
      return typeof n === 'number' ? `${base}/events?limit=3&after=${n}` : null;
    });
    await pages(pair, 'txns', `${base}/txns?limit=2`, (p) => {
      const n = (p as { next?: unknown }).next;
      return typeof n === 'number' ? `${base}/txns?limit=2&after=${n}` : null;
    });
    for (const view of ['valid', 'raw']) {
      await pages(pair, `surface ${view}`, `${base}/surface?limit=2&view=${view}`, (p) => {
        const n = (p as { next?: unknown }).next;
        return typeof n === 'string' ? `${base}/surface?limit=2&view=${view}&after=${segment(n)}` : null;
      });
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Fresh stores per run

const pending = new Set<() => Promise<void>>();

async function freshPair(): Promise<{ pair: Pair; done: () => Promise<void> }> {
  const steps: (() => Promise<void>)[] = [];
  const done = async (): Promise<void> => {
    pending.delete(done);
    for (const step of steps.reverse()) await step();
  };
  pending.add(done);
  try {
    const dir = tempDir('tidemark-diff-');
    steps.push(async () => rmSync(dir, { recursive: true, force: true }));
    const sqliteStore = openSqliteStore(join(dir, 'store.db'));
    steps.push(() => sqliteStore.close());
    const sqlite = await startServer({ store: sqliteStore, port: 0 });
    steps.push(() => sqlite.close());
    const pg = await makePgStore();
    steps.push(pg.cleanup);
    const pgServer = await startServer({ store: pg.store, port: 0 });
    steps.push(() => pgServer.close());
    return { pair: { sqlite: Number(new URL(sqlite.url).port), pg: Number(new URL(pgServer.url).port) }, done };
  } catch (e) {
    await done();
    throw e;
  }
}

function describeOp(op: Op): string {
  const c = toCall(op);
  const body = c.body ? c.body.toString('latin1') : '';
  return `${c.method} ${c.path} ${body.length > 300 ? `${body.slice(0, 300)}…(${body.length} bytes)` : body}`;
}

/** Writes sent, and those that stored something (a new txn), so the test is not vacuous. */
interface Tally {
  writes: number;
  stored: number;
}

/** True when a write answer reports a newly stored transaction. */
function storedSomething(a: RawAnswer): boolean {
  if (a.status !== 200) return false;
  const body = answerJson(a) as { txn?: unknown; results?: { txn?: unknown }[] } | null;
  if (typeof body?.txn === 'number') return true;
  return (body?.results ?? []).some((r) => typeof r.txn === 'number');
}

async function runOps(ops: Op[], tally: Tally): Promise<void> {
  const { pair, done } = await freshPair();
  try {
    for (const [i, spec] of ops.entries()) {
      const op = await resolveOp(spec, pair.sqlite);
      const a = await both(pair, `write #${i} ${describeOp(op)}`, toCall(op));
      tally.writes++;
      if (storedSomething(a)) tally.stored++;
    }
    await compareStores(pair);
  } finally {
    await done();
  }
}

const pgReason = await pgUnreachable();
if (pgReason !== null) console.warn(`differential: skipped: ${pgReason}`);

describe.skipIf(pgReason !== null)('SQLite and PostgreSQL behind HTTP answer and store the same', () => {
  afterAll(async () => {
    for (const done of [...pending]) await done();
  });

  it('random writes, duplicates, tombstones, invalidations, batches and hostile inputs: same status, error and stored result', async () => {
    const tally: Tally = { writes: 0, stored: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 10 }), (ops) => runOps(ops, tally)),
      { seed: SEED, numRuns: RUNS },
    );
    // Not vacuous: a good share of the writes stored something to compare.
    console.log(`differential: ${tally.stored} of ${tally.writes} writes stored a transaction`);
    expect(tally.stored / tally.writes).toBeGreaterThanOrEqual(0.3);
  }, 600_000);
});
