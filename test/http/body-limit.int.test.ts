/**
 * `--body-limit` has a maximum (`LIMITS.bodyBytesMax`, 64 MiB), and at that maximum the largest
 * write a server takes is still one every client reads back whole. Above it, `buildApp` and
 * `tidemark serve` refuse to start (a body over V8's longest string used to be a 500, not a 413).
 * At it, over a real loopback server: a body of exactly the limit is written and the Node client
 * reads its transaction's detail (every event in one answer) back whole; one byte more is a 413
 * and writes nothing. What one write stores grows at most 3.4 times over its body (`9e15,` is
 * stored as `9000000000000000,`): measured on a smaller server, and at the maximum that is still
 * far below what a client reads (`LIMITS.answerBytesMax`).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../src-core/model/limits';
import { buildApp } from '../../src-core/server/app';
import { openHttpStore } from '../../src-core/store/http/index';
import { openSqliteStore } from '../../src-core/store/sqlite/index';
import { type TestServer, call, startTestServer, tempDir } from './helpers';
import { spawnServe } from './spawn';

const MAX = LIMITS.bodyBytesMax;

describe('the maximum of --body-limit', () => {
  it('buildApp takes a limit up to the maximum and refuses one above it', async () => {
    const dir = tempDir('tidemark-body-limit-');
    const store = openSqliteStore(join(dir, 's.db'));
    try {
      await buildApp({ store, bodyLimit: MAX }).app.close();
      expect(() => buildApp({ store, bodyLimit: MAX + 1 })).toThrow(
        `bodyLimit: must be an integer from 1 to ${MAX}, got ${MAX + 1}`,
      );
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('tidemark serve refuses --body-limit above the maximum, naming the flag', async () => {
    const cwd = tempDir('tidemark-body-limit-');
    try {
      const bad = await spawnServe(['--db', 's.db', '--port', '0', '--body-limit', String(MAX + 1)], cwd);
      expect(bad.firstLine).toBeNull();
      expect((await bad.exit).code).not.toBe(0);
      expect(bad.stderr()).toMatch(/--body-limit/);
      expect(bad.stderr()).toMatch(new RegExp(String(MAX)));
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});

/** A write body of exactly `bytes` bytes: one event whose data is `[9e15,9e15,…]` (and a pad), or one string. */
function bodyOf(bytes: number, shape: 'numbers' | 'string'): { text: string; count: number } {
  const open = `{"events":[{"key":"big","data":${shape === 'numbers' ? '[' : '"'}`;
  const close = `${shape === 'numbers' ? ']' : '"'}}]}`;
  const room = bytes - open.length - close.length;
  const count = shape === 'numbers' ? Math.floor((room + 1) / 5) : room;
  const inner =
    shape === 'numbers' ? `${'9e15,'.repeat(count - 1)}9e15${' '.repeat(room - (count * 5 - 1))}` : 'x'.repeat(room);
  const text = `${open}${inner}${close}`;
  expect(Buffer.byteLength(text)).toBe(bytes);
  return { text, count };
}

describe('a server at the maximum', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ bodyLimit: MAX });
  });
  afterAll(async () => {
    await s.close();
  });

  it('stores a body of exactly the limit, and a client reads its transaction back whole', async () => {
    const { text, count } = bodyOf(MAX, 'string');
    const w = await call(`${s.url}/v1/topics/big/txns`, { method: 'POST', body: text });
    expect(w.status).toBe(200);
    const client = openHttpStore({ url: s.url });
    try {
      const txn = await client.getTxn('big', 1);
      expect(txn.events).toHaveLength(1);
      const data = txn.events[0]!.data as string;
      expect(data.length).toBe(count);
      expect(data === 'x'.repeat(count)).toBe(true);
    } finally {
      await client.close();
    }
  });

  it('refuses one byte more with 413, writing nothing', async () => {
    const before = (await s.store.topicInfo('big')).maxSeq;
    const w = await call(`${s.url}/v1/topics/big/txns`, { method: 'POST', body: bodyOf(MAX + 1, 'string').text });
    expect(w.status).toBe(413);
    expect(w.body).toMatchObject({
      error: { code: 'TOO_LARGE', message: `body: larger than the limit of ${MAX} bytes` },
    });
    expect((await s.store.topicInfo('big')).maxSeq).toBe(before);
  });
});

describe('what a write stores, at most', () => {
  it('is 3.4 times its body (numbers written short), so a write at the maximum fits what a client reads', async () => {
    const limit = 1024 * 1024;
    const s = await startTestServer({ bodyLimit: limit });
    const client = openHttpStore({ url: s.url });
    try {
      const { text, count } = bodyOf(limit, 'numbers');
      expect((await call(`${s.url}/v1/topics/n/txns`, { method: 'POST', body: text })).status).toBe(200);
      const txn = await client.getTxn('n', 1);
      const data = txn.events[0]!.data as number[];
      expect(data).toHaveLength(count);
      expect(data.every((x) => x === 9e15)).toBe(true);
      // Stored as canonical JSON: `9000000000000000,` (17 bytes) for every `9e15,` (5) sent.
      const stored = (await s.store.readEvents('n')).events[0]!;
      const storedBytes = Buffer.byteLength(JSON.stringify(stored.data));
      expect(storedBytes / limit).toBeGreaterThan(3.39);
      expect(storedBytes / limit).toBeLessThanOrEqual(3.4);
      // At the maximum: at most 3.4 x 64 MiB of data, with room to spare for 10,000 events' fields.
      expect(3.4 * MAX + LIMITS.eventsPerTxnMax * 1024).toBeLessThan(LIMITS.answerBytesMax / 2);
    } finally {
      await client.close();
      await s.close();
    }
  });
});
