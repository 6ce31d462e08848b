/**
 * Connecting the desktop app to a real `tidemark` HTTP server (over a real SQLite file) through
 * the bridge: the role comes from the server, the token is sealed on disk and never returned to
 * the renderer, a bad token changes nothing, a read role is refused writes in main, and the diff
 * worker and live tail work over HTTP too.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Role, StoredEvent } from '../../src-core/model/types';
import { startServer } from '../../src-core/server';
import { openSqliteStore } from '../../src-core/store/sqlite';
import type { EventStore } from '../../src-core/store/types';
import { rejection, startHarness, type Harness } from './harness';

let h: Harness;
let store: EventStore;
let server: { url: string; close(): Promise<void> };

beforeEach(async () => {
  h = await startHarness();
  store = openSqliteStore(path.join(h.dir, 'server.db'));
  server = await startServer({
    store,
    host: '127.0.0.1',
    port: 0,
    tokens: new Map<string, Role>([
      ['admin-token', 'admin'],
      ['reader-token', 'read'],
      ['writer-token', 'write'],
    ]),
  });
});
afterEach(async () => {
  await h.close();
  await server.close();
  await store.close();
});

const codeOf = async (p: Promise<unknown>): Promise<string> => (await rejection(p)).code;

describe('connecting to a server', () => {
  it('a write role may append but main refuses its invalidation, by the access table', async () => {
    const conn = await h.api.connectServer({ url: server.url, token: 'writer-token' });
    expect(conn.role).toBe('write');
    await h.api.append('srv.w', { events: [{ key: 'a', data: 1 }] });
    const err = await rejection(h.api.invalidate('srv.w', 1, 'no'));
    expect(err).toMatchObject({
      code: 'FORBIDDEN',
      message: 'invalidate: needs the admin role on the server; the token has the write role',
    });
    expect((await store.topicInfo('srv.w')).maxSeq).toBe(1);
  });

  it('takes the role from the server and never hands the token to the renderer', async () => {
    const conn = await h.api.connectServer({ url: `${server.url}/`, token: 'admin-token', label: 'local server' });
    expect(conn).toMatchObject({ kind: 'http', target: server.url, role: 'admin', label: 'local server' });
    expect(JSON.stringify(conn)).not.toContain('admin-token');
    expect(JSON.stringify(await h.api.recentConnections())).not.toContain('admin-token');
    expect(readFileSync(path.join(h.userData, 'connections.json'), 'utf8')).not.toContain('admin-token');

    await h.api.append('srv.t', { events: [{ key: 'a', data: 1 }] });
    expect((await store.topicInfo('srv.t')).maxSeq).toBe(1);

    // switch away and back: the sealed token is used again
    await h.api.reconnect((await h.api.recentConnections())[1]!.id);
    expect((await h.api.currentConnection())!.kind).toBe('sqlite');
    const again = await h.api.reconnect(conn.id);
    expect(again.role).toBe('admin');
    expect((await h.api.topicInfo('srv.t')).events).toBe(1);
  });

  it('a wrong token or an unreachable server changes nothing', async () => {
    const before = await h.api.currentConnection();
    expect(await codeOf(h.api.connectServer({ url: server.url, token: 'wrong' }))).toBe('UNAUTHORIZED');
    expect(await codeOf(h.api.connectServer({ url: 'http://127.0.0.1:9' }))).toBe('UNAVAILABLE');
    expect(await codeOf(h.api.connectServer({ url: 'ftp://example.com' }))).toBe('BAD_REQUEST');
    expect(await h.api.currentConnection()).toEqual(before);
    expect(await h.api.recentConnections()).toHaveLength(1);
  });

  it('refuses writes in main for a read role, and reads, tails and diffs over HTTP', async () => {
    await store.append('srv.t', { events: [{ key: 'a', data: { px: '1' } }] });
    const conn = await h.api.connectServer({ url: server.url, token: 'reader-token' });
    expect(conn.role).toBe('read');
    expect(await codeOf(h.api.append('srv.t', { events: [{ key: 'b', data: 1 }] }))).toBe('FORBIDDEN');
    expect(await codeOf(h.api.invalidate('srv.t', 1, 'no'))).toBe('FORBIDDEN');
    expect((await store.topicInfo('srv.t')).maxSeq).toBe(1);

    const got: StoredEvent[] = [];
    const stop = h.api.subscribe('srv.t', 0, (events) => got.push(...events));
    await store.append('srv.t', { events: [{ key: 'b', data: { px: '2' } }] });
    for (let i = 0; i < 500 && got.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    stop();
    expect(got.map((e) => e.key)).toEqual(['a', 'b']);

    const diff = await h.api.diff('srv.t', { file: new Blob(['key,px\na,1\nb,3\n']), fileName: 's.csv' });
    expect(diff.summary).toMatchObject({ equal: 1, different: 1 });
  });
});
