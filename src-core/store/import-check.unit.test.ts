/**
 * Unit tests of the import checks (store/import-check.ts) and of what each backend can hold
 * (store/holds.ts): a transaction built with the real chain passes; each hostile field is refused
 * naming txn, seq and field (times, numbers, hashes, unknown fields, marker shapes, depth, meta
 * size, time going backwards); a wrong head or chain is a CONFLICT naming both; the hold rule per
 * backend; claims that contradict the markers are refused; groups are bounded and hand on what is
 * ready.
 */
import { describe, expect, it } from 'vitest';
import type { ImportTxn } from '../model/integrity';
import { LIMITS } from '../model/limits';
import type { StoredEvent, TxnInfo } from '../model/types';
import { GENESIS, chainOfRead } from './chain';
import { hashCanonical } from './hash';
import { holdProblem } from './holds';
import { type ImportHeadState, checkImportTxn, jsonTextDepth } from './import-check';
import { IMPORT_GROUP_TXNS, ImportClaims, importGroups } from './import-run';
import { MARKER } from './prepare';

const TIME = '2026-01-02T03:04:05.678Z';
const EMPTY: ImportHeadState = { maxTxn: 0, maxSeq: 0, head: null, lastTimeMs: null };

function unit(events: Partial<StoredEvent>[], info: Partial<TxnInfo> = {}, prev = GENESIS): ImportTxn {
  const txn = info.txn ?? 1;
  const firstSeq = info.firstSeq ?? 1;
  const evs: StoredEvent[] = events.map((e, i) => {
    const data = e.data === undefined ? i : e.data;
    return {
      topic: 't',
      seq: firstSeq + i,
      txn,
      key: `k${i}`,
      type: 'event',
      data,
      contentType: 'application/json',
      hash: hashCanonical(JSON.stringify(data)),
      time: TIME,
      ...e,
    };
  });
  const t: TxnInfo = {
    txn,
    firstSeq,
    lastSeq: firstSeq + evs.length - 1,
    count: evs.length,
    time: TIME,
    invalidatedBy: null,
    reason: null,
    meta: null,
    by: null,
    chain: '',
    ...info,
  };
  if (info.chain === undefined) t.chain = chainOfRead(prev, t, evs);
  return { txn: t, events: evs };
}

const refuse = (u: unknown, msg: RegExp, code = 'BAD_REQUEST', state = EMPTY): void => {
  let err: unknown;
  try {
    checkImportTxn('t', u, state, 'memory');
  } catch (e) {
    err = e;
  }
  expect(err).toMatchObject({ code });
  expect((err as Error).message).toMatch(msg);
};

describe('checkImportTxn', () => {
  it('accepts a transaction whose chain recomputes, and returns what to store', () => {
    const c = checkImportTxn('t', unit([{ data: { a: 1 } }, { data: null }]), EMPTY, 'memory');
    expect(c).toMatchObject({ txn: 1, firstSeq: 1, lastSeq: 2, timeMs: Date.parse(TIME), marker: null });
    expect(c.events.map((e) => [e.data, e.tomb])).toEqual([
      ['{"a":1}', false],
      ['null', true],
    ]);
  });

  it('bounds what a transaction stores, its data as canonical JSON, which can be longer than what carried it', () => {
    // 20 numbers of 16 digits each: 341 bytes stored, however short the line wrote them (`9e15`).
    const data = Array.from({ length: 20 }, () => 9e15);
    const u = unit([{ data }, { data }]);
    const each = JSON.stringify(data).length;
    expect(each).toBe(341);
    expect(checkImportTxn('t', u, EMPTY, 'memory', 2 * each).events).toHaveLength(2);
    let err: unknown;
    try {
      checkImportTxn('t', u, EMPTY, 'memory', 2 * each - 1);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({
      code: 'BAD_REQUEST',
      message: `txn 1: its data is over ${2 * each - 1} bytes as canonical JSON (at seq 2); a transaction stores at most that`,
    });
  });

  it('refuses each hostile field, naming it', () => {
    const u = unit([{}]);
    refuse({ ...u, txn: { ...u.txn, time: '2026-02-30T00:00:00.000Z' } }, /txn 1: time: .* is not a real time/);
    refuse({ ...u, txn: { ...u.txn, time: 'yesterday' } }, /txn 1: time: must be an ISO-8601/);
    refuse({ ...u, txn: { ...u.txn, txn: 1.5 } }, /txn.txn: must be an integer/);
    refuse({ ...u, txn: { ...u.txn, chain: 'ABC' } }, /chain: must be 64 lowercase hex/);
    refuse({ ...u, txn: { ...u.txn, extra: 1 } }, /txn.extra: unknown field/);
    refuse({ ...u, events: [{ ...u.events[0]!, hash: 'g'.repeat(64) }] }, /txn 1, seq 1: hash/);
    refuse({ ...u, events: [{ ...u.events[0]!, key: '$invalidate' }] }, /seq 1: key: "\$invalidate" is reserved/);
    refuse(
      { ...u, events: [{ ...u.events[0]!, key: 'x'.repeat(LIMITS.keyMax + 1) }] },
      /seq 1: key: must be a string of 1 to/,
    );
    refuse(
      { ...u, events: [{ ...u.events[0]!, time: '2026-01-02T03:04:05.679Z' }] },
      /seq 1: time: must be its transaction's time/,
    );
    refuse({ ...u, events: [{ ...u.events[0]!, invalid: true }] }, /seq 1: invalid: must be true exactly when/);
    refuse({ ...u, events: [{ ...u.events[0]!, target: 1 }] }, /target and reason are only on markers/);
    refuse({ ...u, events: [{ ...u.events[0]!, type: 'other' }] }, /type: must be "event" or "invalidate"/);
    refuse({ ...u, txn: { ...u.txn, meta: { big: 'x'.repeat(LIMITS.engineMetaBytesMax) } } }, /meta: is \d+ bytes/);
    refuse({ ...u, txn: { ...u.txn, count: LIMITS.eventsPerTxnMax + 1 } }, /count: a transaction holds 1 to/);
    refuse({ txn: u.txn }, /each transaction must be/);
    let deep: unknown = 1;
    for (let i = 0; i < LIMITS.importJsonDepthMax + 1; i++) deep = [deep];
    refuse({ ...u, events: [{ ...u.events[0]!, data: deep }] }, /seq 1: data: is not JSON nested at most/);
  });

  it("takes data nested deeper than today's write limit, up to the import limit", () => {
    let deep: unknown = 1;
    for (let i = 0; i < LIMITS.jsonDepthMax + 10; i++) deep = [deep];
    const c = checkImportTxn('t', unit([{ data: deep as StoredEvent['data'] }]), EMPTY, 'memory');
    expect(jsonTextDepth(c.events[0]!.data)).toBe(LIMITS.jsonDepthMax + 10);
  });

  it('refuses what does not follow the head, a chain that does not match, and time going backwards', () => {
    refuse(unit([{}], { txn: 2, firstSeq: 2 }), /is at txn 0, seq 0 \(head none\).*transaction 2/, 'CONFLICT');
    const u = unit([{}]);
    refuse(
      { ...u, txn: { ...u.txn, chain: 'a'.repeat(64) } },
      new RegExp(`${'a'.repeat(64)} does not match ${u.txn.chain}`),
      'CONFLICT',
    );
    const second = unit([{}], { txn: 2, firstSeq: 2 }, u.txn.chain);
    refuse(second, /before the topic's previous commit/, 'BAD_REQUEST', {
      maxTxn: 1,
      maxSeq: 1,
      head: u.txn.chain,
      lastTimeMs: Date.parse(TIME) + 1,
    });
    expect(() =>
      checkImportTxn('t', second, { maxTxn: 1, maxSeq: 1, head: u.txn.chain, lastTimeMs: Date.parse(TIME) }, 'memory'),
    ).not.toThrow();
  });

  it("checks a marker's shape", () => {
    const marker = (e: Partial<StoredEvent>): ImportTxn =>
      unit([{ key: MARKER.key, type: 'invalidate', data: null, hash: MARKER.hash, target: 1, reason: 'r', ...e }], {
        txn: 2,
        firstSeq: 2,
        marker: true,
      });
    const state = { maxTxn: 1, maxSeq: 1, head: GENESIS, lastTimeMs: null };
    refuse(marker({ target: 2 }), /target: must be an earlier transaction/, 'BAD_REQUEST', state);
    refuse(marker({ hash: 'a'.repeat(64) }), /a marker has key/, 'BAD_REQUEST', state);
    const u = marker({});
    refuse(
      { ...u, txn: { ...u.txn, marker: undefined } },
      /marker: an invalidation marker is a transaction of exactly one/,
      'BAD_REQUEST',
      state,
    );
  });
});

describe('holdProblem', () => {
  const withKey = (key: string): ImportTxn => unit([{ key }]);
  it('decides per backend, naming txn, seq and key', () => {
    expect(holdProblem('memory', withKey('a\u0000b'))).toBeNull();
    expect(holdProblem('sqlite', withKey('a\u0000b'))).toBeNull();
    expect(holdProblem('postgres', withKey('a\u0000b'))).toMatchObject({
      txn: 1,
      seq: 1,
      key: 'a\u0000b',
      field: 'key',
    });
    expect(holdProblem('sqlite', withKey('a\ud800b'))).toMatchObject({ field: 'key', problem: /lone surrogate/ });
    expect(holdProblem('memory', withKey('a\ud800b'))).toBeNull();
    expect(holdProblem('postgres', unit([{ data: 'a\u0000b' }]))).toBeNull();
    let deep: unknown = 1;
    for (let i = 0; i < LIMITS.importJsonDepthMax; i++) deep = [deep];
    expect(holdProblem('memory', unit([{ data: deep as StoredEvent['data'] }]))).toBeNull();
    expect(holdProblem('memory', unit([{ data: [deep] as StoredEvent['data'] }]))).toMatchObject({
      seq: 1,
      field: 'data',
      problem: /nested deeper than/,
    });
  });
});

describe('ImportClaims', () => {
  it('refuses a marker other than the one a transaction said invalidated it', () => {
    const claims = new ImportClaims();
    const t = checkImportTxn('t', unit([{ invalid: true }], { invalidatedBy: 5, reason: 'r' }), EMPTY, 'memory');
    claims.check(t);
    claims.note(t);
    const m = unit(
      [{ key: MARKER.key, type: 'invalidate', data: null, hash: MARKER.hash, target: 1, reason: 'r' }],
      { txn: 2, firstSeq: 2, marker: true },
      t.chain,
    );
    const checked = checkImportTxn('t', m, { maxTxn: 1, maxSeq: 1, head: t.chain, lastTimeMs: null }, 'memory');
    expect(() => claims.clone().check(checked)).toThrow(/says seq 5, but the marker at seq 2 invalidates it/);
  });
});

describe('importGroups', () => {
  it('bounds a group and hands on what is ready', async () => {
    const many = Array.from({ length: IMPORT_GROUP_TXNS + 1 }, () => unit([{}]));
    const sizes: number[] = [];
    for await (const g of importGroups(many)) sizes.push(g.length);
    expect(sizes).toEqual([IMPORT_GROUP_TXNS, 1]);
    async function* slow(): AsyncGenerator<ImportTxn> {
      yield unit([{}]);
      await new Promise((r) => setTimeout(r, 20));
      yield unit([{}]);
    }
    const slowSizes: number[] = [];
    for await (const g of importGroups(slow())) slowSizes.push(g.length);
    expect(slowSizes).toEqual([1, 1]);
  });
});
