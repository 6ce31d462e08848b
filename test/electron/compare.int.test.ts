/**
 * "Compare with…" in the desktop app (`window.tidemark.compareWith`), end to end through the real
 * preload bridge, handlers and connection manager (harness.ts): the open connection against
 * another remembered SQLite file (missing topic, a copy that is a prefix), against a remembered
 * server whose token comes from the connection store (never from the renderer), progress pushed
 * per topic, an unknown connection refused, and an unknown field refused before main runs it.
 */
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Progress } from '../../src-core/model/store-api';
import { startTestServer, type TestServer } from '../http/helpers';
import { rejection, startHarness, type Harness } from './harness';

let h: Harness;
let server: TestServer | null = null;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
  await server?.close();
  server = null;
});

describe('compareWith over IPC', () => {
  it('compares the open file with another remembered file: missing, then a prefix', async () => {
    const home = (await h.api.currentConnection())!;
    await h.api.append('c.t', { events: [{ key: 'a', data: 1 }] });
    h.dialogs.storeFile = path.join(h.dir, 'other.db');
    const other = (await h.api.openFile({ create: true }))!;
    await h.api.reconnect(home.id);

    const r = await h.api.compareWith({ connectionId: other.id });
    expect(r).toMatchObject({ equal: false, topics: [{ topic: 'c.t', result: 'missing', side: 'to' }] });

    // The other file becomes a copy of this one, which then moves on by two transactions.
    await h.connections.close();
    copyFileSync(home.target, other.target);
    await h.api.reconnect(home.id);
    await h.api.append('c.t', { events: [{ key: 'b', data: 2 }] });
    await h.api.append('c.t', { events: [{ key: 'c', data: 3 }] });
    const p = await h.api.compareWith({ connectionId: other.id, topic: 'c.t' });
    expect(p.topics).toMatchObject([{ topic: 'c.t', result: 'prefix', side: 'from', aheadBy: 2, common: 1 }]);
  });

  it('compares with a remembered server, its token taken from the connection store', async () => {
    server = await startTestServer({ tokens: [{ token: 'sekret', role: 'read', name: 'viewer' }] });
    await server.store.append('s.t', { events: [{ key: 'k', data: 'server' }] });
    const home = (await h.api.currentConnection())!;
    await h.api.append('s.t', { events: [{ key: 'k', data: 'local' }] });
    const srv = await h.api.connectServer({ url: server.url, token: 'sekret' });
    await h.api.reconnect(home.id);
    const progress: Progress[] = [];
    const r = await h.api.compareWith({ connectionId: srv.id }, { onProgress: (p) => progress.push(p) });
    expect(r.topics).toMatchObject([{ topic: 's.t', result: 'diverged', firstDiff: { txn: 1 } }]);
    // The topic list, then transaction 1 (the first difference) on each side.
    expect(r.reads).toEqual({ from: 2, to: 2 });
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((p) => p.unit === 'topics' && p.total === 1)).toBe(true);
  });

  it('Cancel (the function given to onStart) stops a comparison with CANCELLED', async () => {
    server = await startTestServer();
    for (let i = 0; i < 20; i++) {
      await server.store.append(`m.${i}`, { events: [{ key: 'k', data: i }] });
      await h.api.append(`m.${i}`, { events: [{ key: 'k', data: -i }] });
    }
    const home = (await h.api.currentConnection())!;
    const srv = await h.api.connectServer({ url: server.url });
    await h.api.reconnect(home.id);
    let cancel: (() => void) | undefined;
    const err = await rejection(
      h.api.compareWith({ connectionId: srv.id }, { onStart: (c) => (cancel = c), onProgress: () => cancel?.() }),
    );
    expect(err).toMatchObject({ code: 'CANCELLED' });
  });

  it('refuses an unknown connection and an unknown field', async () => {
    expect(await rejection(h.api.compareWith({ connectionId: 'nope' }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await rejection(h.api.compareWith({ connectionId: 'x', path: '/etc' } as never))).toMatchObject({
      code: 'BAD_REQUEST',
      message: 'compareWith: req.path: unknown field',
    });
  });

  it('a file that is gone is NOT_FOUND, and nothing is created in its place', async () => {
    const home = (await h.api.currentConnection())!;
    h.dialogs.storeFile = path.join(h.dir, 'gone.db');
    const gone = (await h.api.openFile({ create: true }))!;
    await h.api.reconnect(home.id);
    rmSync(gone.target);
    expect(await rejection(h.api.compareWith({ connectionId: gone.id }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(existsSync(gone.target)).toBe(false);
  });
});
