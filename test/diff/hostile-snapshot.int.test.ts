/**
 * Hostile snapshots sent to POST /v1/topics/:topic/diff on a real server (docs/diff.md "Snapshot
 * formats", docs/security.md): a record nested too deeply, a duplicate member name, a number
 * beyond ±2^53, a record over the 16 MiB record limit (a newline-free NDJSON line, a JSON element
 * and a quoted CSV cell that never close) and invalid UTF-8, each a 400 in the envelope naming the
 * record and line (or the byte), in every format it applies to.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../src-core/model/limits';
import { startServer } from '../../src-core/server/index';
import type { EventStore } from '../../src-core/store/types';
import { sqliteStore, tempDir } from './helpers';

let dir: { dir: string; cleanup: () => void };
let store: EventStore;
let server: { url: string; close(): Promise<void> };

beforeAll(async () => {
  dir = tempDir();
  store = sqliteStore(dir.dir);
  await store.append('trades', { events: [{ key: 'T-1', data: { qty: 5 } }] });
  server = await startServer({ store, port: 0 });
});
afterAll(async () => {
  await server.close();
  await store.close();
  dir.cleanup();
});

async function refused(type: string, body: string | Uint8Array, message: RegExp | string): Promise<void> {
  const res = await fetch(`${server.url}/v1/topics/trades/diff`, {
    method: 'POST',
    headers: { 'content-type': type },
    body,
  });
  const text = await res.text();
  expect(res.status, text.slice(0, 300)).toBe(400);
  const { error } = JSON.parse(text) as { error: { code: string; message: string } };
  expect(error.code).toBe('BAD_REQUEST');
  if (typeof message === 'string') expect(error.message).toBe(message);
  else expect(error.message).toMatch(message);
}

const JSON_TYPE = 'application/json';
const NDJSON = 'application/x-ndjson';
const deep = (n: number): string => '['.repeat(n) + ']'.repeat(n);

describe('hostile snapshots', () => {
  it.each([129, 10_000, 1_000_000])('a record nested %i levels deep', async (n) => {
    await refused(
      JSON_TYPE,
      `[{"key":"T-1"},\n{"key":"T-2","v":${deep(n)}}]`,
      /^record 2 \(line 2\): v\[0\].*: nesting deeper than 128 levels$/,
    );
    await refused(
      NDJSON,
      `{"key":"T-1"}\n{"key":"T-2","v":${deep(n)}}\n`,
      /^record 2 \(line 2\): v\[0\].*: nesting deeper than 128 levels$/,
    );
  });

  it('a record whose fields nest exactly 128 levels is compared', async () => {
    const res = await fetch(`${server.url}/v1/topics/trades/diff`, {
      method: 'POST',
      headers: { 'content-type': NDJSON },
      body: `{"key":"T-1","v":${deep(LIMITS.jsonDepthMax)}}\n`,
    });
    expect(res.status).toBe(200);
  });

  it('a duplicate member name', async () => {
    await refused(JSON_TYPE, '[{"key":"T-1","qty":5,"qty":6}]', 'record 1 (line 1): duplicate member name "qty"');
    await refused(
      NDJSON,
      '{"key":"T-1"}\n\n{"key":"T-2","l":[{"s":1,"s":2}]}',
      'record 2 (line 3): l[0]: duplicate member name "s"',
    );
    await refused(NDJSON, '{"key":"T-1","key":"T-2"}', 'record 1 (line 1): duplicate member name "key"');
  });

  it('a number beyond ±2^53', async () => {
    await refused(
      JSON_TYPE,
      '[{"key":"T-1","id":9007199254740993}]',
      'record 1 (line 1): id: integer 9007199254740993 cannot be carried exactly; send it as a string',
    );
    await refused(NDJSON, '{"key":"T-1","x":1e400}', /^record 1 \(line 1\): x: number 1e400 is beyond/);
  });

  describe('a record over the 16 MiB record limit', () => {
    const big = 'x'.repeat(LIMITS.snapshotRecordBytesMax + 10);
    const limit = `larger than the limit of ${LIMITS.snapshotRecordBytesMax} bytes for one record`;
    it('an NDJSON line without a newline', async () => {
      await refused(NDJSON, `{"key":"T-1"}\n{"key":"T-2","v":"${big}`, `record 2 (line 2): ${limit}`);
    });
    it('a JSON element that never closes', async () => {
      await refused(JSON_TYPE, `[{"key":"T-1"},\n{"key":"T-2","v":"${big}`, `record 2 (line 2): ${limit}`);
    });
    it('a CSV row with a quoted cell that never closes', async () => {
      await refused('text/csv', `key,v\nT-1,a\nT-2,"${big}`, `record 2 (line 3): ${limit}`);
    });
    it('a record just under the limit is compared', async () => {
      const under = 'x'.repeat(LIMITS.snapshotRecordBytesMax - 100);
      const res = await fetch(`${server.url}/v1/topics/trades/diff`, {
        method: 'POST',
        headers: { 'content-type': NDJSON },
        body: `{"key":"T-1","v":"${under}"}\n`,
      });
      expect(res.status).toBe(200);
    });
  });

  it('invalid UTF-8, naming the byte, in every format', async () => {
    const bytes = (before: string, bad: number[], after: string): Uint8Array =>
      Buffer.concat([Buffer.from(before), Buffer.from(bad), Buffer.from(after)]);
    await refused(
      JSON_TYPE,
      bytes('[{"key":"T-1","v":"é', [0xc0, 0xaf], '"}]'),
      'the snapshot is not valid UTF-8 (at byte 21)',
    );
    await refused(
      NDJSON,
      bytes('{"key":"T-1"}\n{"key":"', [0xed, 0xa0, 0x80], '"}\n'),
      'the snapshot is not valid UTF-8 (at byte 22)',
    );
    await refused('text/csv', bytes('key,v\nT-1,', [0xff], '\n'), 'the snapshot is not valid UTF-8 (at byte 10)');
    await refused(
      NDJSON,
      bytes('{"key":"T-1"}', [0xf0, 0x9f, 0x98], ''),
      'the snapshot is not valid UTF-8 (at byte 13)',
    );
  });
});
