// Holds the checks that pages written from stored data text (stored-json.ts) are byte for byte
// what JSON.stringify writes for the same pages with the data parsed: events, markers,
// tombstones, invalid rows, integer-like member names, escapes, deep data and cursors.
import { describe, expect, it } from 'vitest';
import { storedCanonicalJson } from './canonical';
import {
  type StoredEventText,
  type SurfaceRowText,
  dataJson,
  eventJson,
  eventPageJson,
  surfacePageJson,
  txnDetailJson,
  writeEventPage,
} from './stored-json';
import type { JsonValue } from './types';

const DATA: JsonValue[] = [
  { b: 1, a: 'x' },
  { '10': 1, '2': 2, a: { '0': [1, { '07': 'z', '7': null }] } },
  { 'a"b': 'q\u2028\u0001\\', '\ud800': '\udfff', é: 'ü', __proto__x: 1 },
  [1.5, -0, 1e21, 5e-7, true, false, null, ''],
  'just a string',
  42,
  null,
  { '4294967295': 1, '4294967294': 2, '-1': 3 },
];

function deep(levels: number): JsonValue {
  let v: JsonValue = 1;
  for (let i = 0; i < levels; i++) v = i % 2 === 0 ? [v] : { k: v };
  return v;
}

function textOf(v: JsonValue): string {
  return storedCanonicalJson(v);
}

describe('stored-json', () => {
  it('writes data as JSON.stringify writes it parsed, integer-like names included', () => {
    for (const v of DATA) {
      const t = textOf(v);
      expect(dataJson(t)).toBe(JSON.stringify(JSON.parse(t)));
    }
    // Canonical order puts "10" before "2"; a parsed object lists "2" first.
    expect(dataJson('{"10":1,"2":2}')).toBe('{"2":2,"10":1}');
    const d = storedCanonicalJson(deep(20_000));
    expect(dataJson(d)).toBe(d);
  });

  it('writes events and pages as JSON.stringify writes them parsed', () => {
    const events: StoredEventText[] = DATA.map((v, i) => ({
      topic: 'orders/é"x',
      seq: i + 1,
      txn: i + 1,
      key: `k\n${i}`,
      type: 'event',
      data: textOf(v),
      contentType: 'application/json',
      hash: 'ab'.repeat(32),
      time: '2026-01-01T00:00:00.000Z',
      ...(i % 3 === 0 ? { invalid: true as const } : {}),
    }));
    events.push({
      topic: 't',
      seq: 99,
      txn: 50,
      key: '',
      type: 'invalidate',
      data: 'null',
      contentType: 'application/json',
      hash: 'cd'.repeat(32),
      time: '2026-01-01T00:00:00.001Z',
      target: 3,
      reason: 'bad "load"',
    });
    const parsed = events.map((e) => ({ ...e, data: JSON.parse(e.data) as JsonValue }));
    for (let i = 0; i < events.length; i++) expect(eventJson(events[i]!)).toBe(JSON.stringify(parsed[i]));
    for (const next of [null, 17]) {
      expect(eventPageJson({ events, next })).toBe(JSON.stringify({ events: parsed, next }));
    }
    expect(eventPageJson({ events: [], next: null })).toBe('{"events":[],"next":null}');
  });

  it('writes surface pages as JSON.stringify writes them parsed', () => {
    const rows: SurfaceRowText[] = DATA.map((v, i) => ({
      key: `k"${i}\u0000`,
      seq: i + 10,
      txn: i + 2,
      hash: 'ef'.repeat(32),
      data: textOf(v),
      time: '2026-01-01T00:00:00.000Z',
      ...(i % 2 === 0 ? { invalid: true as const } : {}),
    }));
    const parsed = rows.map((r) => ({ ...r, data: JSON.parse(r.data) as JsonValue }));
    for (const next of [null, 'k"7\ud800']) {
      expect(surfacePageJson({ rows, next })).toBe(JSON.stringify({ rows: parsed, next }));
    }
  });

  it('writes a transaction with its events as JSON.stringify writes it parsed (meta, by, marker)', () => {
    const events: StoredEventText[] = DATA.map((v, i) => ({
      topic: 'é',
      seq: i + 4,
      txn: 2,
      key: `k${i}`,
      type: 'event',
      data: textOf(v),
      contentType: 'application/json',
      hash: 'ab',
      time: '2026-01-01T00:00:00.000Z',
      invalid: true as const,
    }));
    const parsed = events.map((e) => ({ ...e, data: JSON.parse(e.data) as JsonValue }));
    const info = {
      txn: 2,
      firstSeq: 4,
      lastSeq: 4 + DATA.length - 1,
      count: DATA.length,
      time: '2026-01-01T00:00:00.000Z',
      invalidatedBy: 99,
      reason: 'bad "x"',
      meta: { '10': 'a', '2': ['ü\n'], t: null },
      by: 'who é',
      chain: 'cd'.repeat(32),
    };
    expect(txnDetailJson({ ...info, events })).toBe(JSON.stringify({ ...info, events: parsed }));
    const marker = { ...info, invalidatedBy: null, reason: null, meta: null, by: null, marker: true, events: [] };
    expect(txnDetailJson(marker)).toBe(JSON.stringify(marker));
  });

  it('writes the strings consecutive events share (topic, type, content type, time) right as they change', () => {
    const topics = ['a', 'a', 'b"', 'b"', 'a'];
    const types = ['event', 'invalidate', 'invalidate', 'event', 'event'] as const;
    const contentTypes = ['application/json', 'text/x-é', 'text/x-é', 'application/json', 'application/json'];
    const times = ['2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', 't\u0001', 't\u0001', 'x'];
    const events: StoredEventText[] = topics.map((topic, i) => ({
      topic,
      seq: i + 1,
      txn: 1,
      key: 'k',
      type: types[i]!,
      data: '{"a":1}',
      contentType: contentTypes[i]!,
      hash: 'ab',
      time: times[i]!,
    }));
    const parsed = events.map((e) => ({ ...e, data: JSON.parse(e.data) as JsonValue }));
    expect(eventPageJson({ events, next: 5 })).toBe(JSON.stringify({ events: parsed, next: 5 }));
    // A sink sees the page in pieces that together are the page's text.
    const pieces: string[] = [];
    writeEventPage({ events, next: null }, { add: (t) => pieces.push(t) });
    expect(pieces.length).toBe(events.length + 2);
    expect(pieces.join('')).toBe(JSON.stringify({ events: parsed, next: null }));
  });
});
