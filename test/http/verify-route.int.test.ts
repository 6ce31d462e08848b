/**
 * `GET /v1/topics/{topic}/verify` against a real server with tokens: the read role may verify, no
 * token is 401; the answer is NDJSON `{"progress"}` lines then one `{"result"}` line; an expectHead
 * that is not 64 lowercase hex is a 400 envelope naming it, an unknown topic a 404 envelope, an
 * anchor that is not in the log a result failing as `anchor`; a client that disconnects after the
 * first progress line cancels the verify on the server (the store's verify sees its signal abort
 * and ends CANCELLED). With `maxVerifies: 1`, a second verify while one runs is 429 with
 * Retry-After naming the cap, and the slot is free again once the first ends.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Role } from '../../src-core/model/access';
import type { VerifyOptions, VerifyResult } from '../../src-core/model/integrity';
import { call, errorOf, startTestServer, tempDir, type TestServer } from './helpers';
import { spawnServe } from './spawn';

const tokens = new Map<string, Role>([
  ['r-token', 'read'],
  ['a-token', 'admin'],
]);
let s: TestServer;
const seen: { signal: AbortSignal | undefined; outcome: Promise<unknown> }[] = [];

beforeAll(async () => {
  s = await startTestServer({ tokens });
  // Record what the route hands the store's own verify (the work itself is the real one).
  const verify = s.store.verify.bind(s.store);
  s.store.verify = (topic: string, opts?: VerifyOptions): Promise<VerifyResult> => {
    const p = verify(topic, opts);
    seen.push({
      signal: opts?.signal,
      outcome: p.then(
        () => 'done',
        (e: unknown) => e,
      ),
    });
    return p;
  };
  await s.store.append('small', { events: [{ key: 'a', data: 1 }] });
  await s.store.append('small', { events: [{ key: 'b', data: 2 }] });
  // Enough transactions for several pages of progress (1000 per page).
  const txns = Array.from({ length: 12_000 }, (_, i) => ({ topic: 'big', events: [{ key: `k${i % 50}`, data: i }] }));
  await s.store.appendBatch(txns);
});
afterAll(async () => {
  await s.close();
});

function lines(text: string): unknown[] {
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as unknown);
}

describe('GET /v1/topics/{topic}/verify', () => {
  it('streams progress lines and a result line to the read role', async () => {
    const a = await call(`${s.url}/v1/topics/big/verify`, { token: 'r-token' });
    expect(a.status).toBe(200);
    expect(a.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const all = lines(a.text);
    const last = all.pop() as { result: VerifyResult };
    expect(last.result).toMatchObject({ ok: true, txns: 12_000, events: 12_000, firstBad: null, legacy: [] });
    expect(last.result.head).toBe((await s.store.topicInfo('big')).head);
    expect(all.length).toBeGreaterThanOrEqual(12);
    for (const l of all) expect(Object.keys(l as object)).toEqual(['progress']);
    expect(all[0]).toEqual({ progress: { txns: 1000, events: 1000, totalTxns: 12_000 } });
  });

  it('needs a token', async () => {
    const a = await call(`${s.url}/v1/topics/small/verify`);
    expect(a.status).toBe(401);
    expect(errorOf(a).code).toBe('UNAUTHORIZED');
  });

  it('refuses a malformed expectHead (400 naming it) and an unknown topic (404), as envelopes', async () => {
    for (const bad of ['xyz', 'A'.repeat(64), '0'.repeat(63)]) {
      const a = await call(`${s.url}/v1/topics/small/verify?expectHead=${bad}`, { token: 'r-token' });
      expect(a.status).toBe(400);
      expect(errorOf(a).message).toContain('expectHead');
    }
    const long = await call(`${s.url}/v1/topics/small/verify?expectHead=${'0'.repeat(65)}`, { token: 'r-token' });
    expect(long.status).toBe(400);
    const unknown = await call(`${s.url}/v1/topics/nope/verify`, { token: 'r-token' });
    expect(unknown.status).toBe(404);
    expect(errorOf(unknown).code).toBe('NOT_FOUND');
  });

  it('answers an anchor that is in the log ok, one that is not as anchor', async () => {
    const head = (await s.store.topicInfo('small')).head!;
    const ok = lines((await call(`${s.url}/v1/topics/small/verify?expectHead=${head}`, { token: 'r-token' })).text);
    expect(ok[ok.length - 1]).toMatchObject({ result: { ok: true } });
    const other = (await s.store.topicInfo('big')).head!;
    const bad = lines((await call(`${s.url}/v1/topics/small/verify?expectHead=${other}`, { token: 'r-token' })).text);
    expect(bad[bad.length - 1]).toMatchObject({ result: { ok: false, firstBad: { txn: null, what: 'anchor' } } });
  });

  it('cancels the verify when the client disconnects', async () => {
    const before = seen.length;
    const ac = new AbortController();
    const res = await fetch(`${s.url}/v1/topics/big/verify`, {
      headers: { authorization: 'Bearer a-token' },
      signal: ac.signal,
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value as Uint8Array)).toContain('"progress"');
    ac.abort();
    const run = seen[before]!;
    await vi.waitFor(() => expect(run.signal?.aborted).toBe(true));
    expect(await run.outcome).toMatchObject({ code: 'CANCELLED' });
  });
});

describe('verifies running at once (maxVerifies)', () => {
  it('refuses one more than the cap with 429 and Retry-After, and frees the slot when a verify ends', async () => {
    const capped = await startTestServer({ tokens, maxVerifies: 1 });
    try {
      await capped.store.append('t', { events: [{ key: 'a', data: 1 }] });
      // Hold the first verify inside the store until released (the verify itself is the real one).
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let entered!: () => void;
      const inside = new Promise<void>((r) => (entered = r));
      const verify = capped.store.verify.bind(capped.store);
      let held = true;
      capped.store.verify = async (topic: string, opts?: VerifyOptions): Promise<VerifyResult> => {
        if (held) {
          held = false;
          entered();
          await gate;
        }
        return verify(topic, opts);
      };
      const first = call(`${capped.url}/v1/topics/t/verify`, { token: 'r-token' });
      await inside;
      const second = await call(`${capped.url}/v1/topics/t/verify`, { token: 'a-token' });
      expect(second.status).toBe(429);
      expect(second.headers.get('retry-after')).toBe('5');
      expect(errorOf(second)).toMatchObject({ code: 'TOO_MANY_REQUESTS' });
      expect(errorOf(second).message).toContain('verify: 1 verify is already running');
      release();
      const done = await first;
      expect(done.status).toBe(200);
      expect(lines(done.text).pop()).toMatchObject({ result: { ok: true, txns: 1 } });
      const third = await call(`${capped.url}/v1/topics/t/verify`, { token: 'r-token' });
      expect(third.status).toBe(200);
      expect(lines(third.text).pop()).toMatchObject({ result: { ok: true } });
    } finally {
      await capped.close();
    }
  });

  it('refuses a cap that is not a positive integer at start-up, naming it', async () => {
    await expect(startTestServer({ maxVerifies: 0 })).rejects.toThrow(/maxVerifies/);
  });

  it('tidemark serve takes --max-verifies and refuses one that is not a positive integer, naming it', async () => {
    const dir = tempDir();
    try {
      const bad = await spawnServe(['--db', 'a.db', '--port', '0', '--max-verifies', '0'], dir);
      expect((await bad.exit).code).not.toBe(0);
      expect(bad.stderr()).toMatch(/--max-verifies/);
      const ok = await spawnServe(['--db', 'a.db', '--port', '0', '--max-verifies', '2'], dir);
      try {
        expect(ok.url).not.toBeNull();
        const w = await fetch(`${ok.url!}/v1/topics/t/txns`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ events: [{ key: 'a', data: 1 }] }),
        });
        expect(w.status).toBe(200);
        const v = await call(`${ok.url!}/v1/topics/t/verify`);
        expect(v.status).toBe(200);
        expect(lines(v.text).pop()).toMatchObject({ result: { ok: true, txns: 1 } });
      } finally {
        ok.proc.kill('SIGTERM');
        expect((await ok.exit).code).toBe(0);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
