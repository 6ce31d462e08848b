/**
 * The bound on one repair (LIMITS.repairEventsMax): a snapshot that would need more events is
 * refused with TOO_LARGE while the diff runs, and nothing is written; exactly the maximum is
 * written, as consecutive transactions of one commit. On a real SQLite file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../src-core/model/limits';
import { servicesFor } from '../../src-core/services/index';
import type { EventStore } from '../../src-core/store/types';
import { sqliteStore, tempDir } from './helpers';

let dir: { dir: string; cleanup: () => void };
let store: EventStore;

beforeAll(() => {
  dir = tempDir();
  store = sqliteStore(dir.dir);
});
afterAll(async () => {
  await store.close();
  dir.cleanup();
});

function csv(n: number): { format: 'csv'; body: AsyncIterable<string>; size: null } {
  async function* body(): AsyncGenerator<string> {
    yield 'key,v\n';
    let chunk = '';
    for (let i = 0; i < n; i++) {
      chunk += `k${i},${i}\n`;
      if (chunk.length > 64 * 1024) {
        yield chunk;
        chunk = '';
      }
    }
    yield chunk;
  }
  return { format: 'csv', body: body(), size: null };
}

describe('repair bounds', () => {
  it(`refuses more than ${LIMITS.repairEventsMax} events with TOO_LARGE, writing nothing`, async () => {
    await store.append('big', { events: [{ key: 'seed', data: 1 }] });
    const err = await servicesFor(store)
      .repair('big', csv(LIMITS.repairEventsMax + 1), { reason: 'r' })
      .then(
        () => null,
        (e: unknown) => e as { code: string; message: string },
      );
    expect(err).toMatchObject({ code: 'TOO_LARGE' });
    expect(err!.message).toMatch(/more than 100000 events/);
    expect((await store.topicInfo('big')).maxSeq).toBe(1);
  });

  it('writes exactly the maximum as consecutive transactions of one commit', async () => {
    const res = await servicesFor(store).repair('big', csv(LIMITS.repairEventsMax), { reason: 'r', limit: 0 });
    expect(res.written).toBe(LIMITS.repairEventsMax);
    expect(res.txns).toEqual(Array.from({ length: 10 }, (_, i) => i + 2));
    expect(res.events).toEqual([]);
    expect(await store.topicInfo('big')).toMatchObject({ maxSeq: LIMITS.repairEventsMax + 1, maxTxn: 11 });
  });
});
