/**
 * Bearer-token roles against a real server: health and static files need no token; a missing or
 * unknown token is 401 with `WWW-Authenticate: Bearer`; read < write < admin, each refused (403)
 * beyond its role with nothing changed; the diff route needs only read; `whoami` reports the role
 * (admin when no tokens are configured); `/metrics` needs the read role.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src-core/model/types';
import { startServer } from '../../src-core/server/index';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { call, errorOf, snapshot, startTestServer, tempDir, type TestServer } from './helpers';

let s: TestServer;
let open: TestServer;
const tokens = new Map<string, Role>([
  ['r-token', 'read'],
  ['w-token', 'write'],
  ['a-token', 'admin'],
]);

beforeAll(async () => {
  s = await startTestServer({ tokens });
  open = await startTestServer();
  await s.store.append('t', { events: [{ key: 'a', data: 1 }] });
});
afterAll(async () => {
  await s.close();
  await open.close();
});

const write = { method: 'POST', body: '{"events":[{"key":"w","data":2}]}' };
const invalidate = { method: 'POST', body: '{"reason":"test"}' };

describe('auth', () => {
  it('health needs no token', async () => {
    const a = await call(s.url + '/v1/health');
    expect(a.status).toBe(200);
    expect(a.body).toEqual({ status: 'ok' });
  });

  it.each([
    ['no token', undefined, 'a bearer token is required'],
    ['an unknown token', 'nope', 'not valid'],
  ])('%s is 401 with WWW-Authenticate: Bearer', async (_name, token, message) => {
    const a = await call(s.url + '/v1/topics', token !== undefined ? { token } : {});
    expect(a.status).toBe(401);
    expect(a.headers.get('www-authenticate')).toBe('Bearer');
    expect(errorOf(a)).toEqual({ code: 'UNAUTHORIZED', message: expect.stringContaining(message) as unknown });
  });

  it('a malformed Authorization header is 401', async () => {
    const a = await call(s.url + '/v1/topics', { headers: { authorization: 'Basic r-token' } });
    expect(a.status).toBe(401);
  });

  it.each([['r-token'], ['w-token'], ['a-token']])('%s may read', async (token) => {
    const a = await call(s.url + '/v1/topics/t/events', { token });
    expect(a.status).toBe(200);
  });

  it('read may not write (403), nothing changes', async () => {
    const before = await snapshot(s.store);
    const a = await call(s.url + '/v1/topics/t/txns', { ...write, token: 'r-token' });
    expect(a.status).toBe(403);
    expect(errorOf(a)).toEqual({
      code: 'FORBIDDEN',
      message: expect.stringMatching(/write role.*read role/) as unknown,
    });
    const b = await call(s.url + '/v1/batch', { method: 'POST', body: '{"txns":[]}', token: 'r-token' });
    expect(b.status).toBe(403);
    const c = await call(s.url + '/v1/sample', { method: 'POST', token: 'r-token' });
    expect(c.status).toBe(403);
    expect(await snapshot(s.store)).toEqual(before);
  });

  it('write may write but not invalidate (403), nothing changes', async () => {
    const a = await call(s.url + '/v1/topics/t/txns', { ...write, token: 'w-token' });
    expect(a.status).toBe(200);
    const before = await snapshot(s.store);
    const b = await call(s.url + '/v1/topics/t/txns/1/invalidate', { ...invalidate, token: 'w-token' });
    expect(b.status).toBe(403);
    expect(errorOf(b).code).toBe('FORBIDDEN');
    expect(await snapshot(s.store)).toEqual(before);
  });

  it('admin may invalidate', async () => {
    const a = await call(s.url + '/v1/topics/t/txns/1/invalidate', { ...invalidate, token: 'a-token' });
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ target: 1, duplicate: false });
  });

  it('the diff route needs only the read role', async () => {
    const a = await call(s.url + '/v1/topics/t/diff', {
      method: 'POST',
      body: 'key,v\na,1\n',
      headers: { 'content-type': 'text/csv' },
      token: 'r-token',
    });
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ summary: { snapshotRecords: 1 } });
    const b = await call(s.url + '/v1/topics/t/diff', {
      method: 'POST',
      body: 'key\n',
      headers: { 'content-type': 'text/csv' },
    });
    expect(b.status).toBe(401);
  });

  it('whoami reports the role of the token, and admin when no tokens are configured', async () => {
    let n = 0;
    for (const [token, role] of tokens) {
      // a token given without a name is named <role>-<n>, n its 1-based position
      expect((await call(s.url + '/v1/whoami', { token })).body).toEqual({ role, name: `${role}-${++n}` });
    }
    expect((await call(open.url + '/v1/whoami')).body).toEqual({ role: 'admin', name: null });
  });

  it('/metrics needs the read role', async () => {
    expect((await call(s.url + '/metrics')).status).toBe(401);
    const a = await call(s.url + '/metrics', { token: 'r-token' });
    expect(a.status).toBe(200);
    expect(a.text).toMatch(/tidemark_events_written_total/);
  });

  it('the SSE stream needs a token', async () => {
    const a = await call(s.url + '/v1/topics/t/events/stream');
    expect(a.status).toBe(401);
  });

  it('non-API paths (static UI) need no token', async () => {
    const ui = tempDir('tidemark-ui-');
    writeFileSync(join(ui, 'index.html'), '<!doctype html><title>ui</title>');
    const withUi = await startTestServer({ tokens, staticDir: ui });
    try {
      const page = await call(withUi.url + '/some/page');
      expect(page.status).toBe(200);
      expect(page.text).toContain('<title>ui</title>');
      expect((await call(withUi.url + '/v1/topics')).status).toBe(401);
    } finally {
      await withUi.close();
      rmSync(ui, { recursive: true, force: true });
    }
  });

  it('startServer itself refuses a non-loopback address without tokens', async () => {
    await expect(startServer({ store: open.store, host: '0.0.0.0', port: 0 })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/refusing to listen on 0\.0\.0\.0 without tokens/) as unknown,
    });
  });
});
