/**
 * Regression test of issue 9's auth bypass: a real server (tokens read/write/admin, a real SQLite
 * file, a web UI build) is asked every route it registered (the list comes from the app, so a new
 * route is covered without editing this file), each under many spellings of its path with real
 * values filled in: percent-encoded letters and digits in every segment, double encoding, `%2F`,
 * case changes, repeated slashes, dot segments (plain and encoded), backslashes, absolute-form
 * targets, `;` parameters and trailing `;`/`?`/`#`/`/`. Requests go over raw `node:net` sockets so
 * nothing normalises the target on the way. Without a token, with an unknown token and with a
 * too-weak token: never a 2xx, never the UI's index.html, and the store is unchanged afterwards.
 * Positive controls show the same spellings do reach the routes with a strong enough token, so
 * the refusals are not vacuous. Also: the exact requests of the issue, OPTIONS, unknown API paths
 * (404 envelope with or without a token), and deny-by-default for routes without an operation.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Operation, type Role, ROLES, needOf, roleAtLeast } from '../../src-core/model/access';
import type { TopicInfo } from '../../src-core/model/types';
import { buildApp } from '../../src-core/server/app';
import { type DeclaredRoute, installAuth } from '../../src-core/server/auth';
import { sendError } from '../../src-core/server/errors';
import { type RunningServer, startServer } from '../../src-core/server/index';
import { openSqliteStore, type SqliteEventStore } from '../../src-core/store/sqlite/index';
import { sendRaw } from '../security/raw-http';
import { tempDir } from './helpers';
import { pool, spellings } from './path-spellings';

const UI_MARK = 'TIDEMARK-UI-INDEX-PAGE';
const TOKENS: Record<Role, string> = { read: 'r0', write: 'w0', admin: 'a0' };
const TOPIC = 't1';

let dir: string;
let store: SqliteEventStore;
let server: RunningServer;
let port: number;

/**
 * Sends one request exactly as given (method and target untouched) over the shared raw client
 * and returns the status and everything the server sent (headers included, as latin1).
 */
async function raw(
  method: string,
  target: string,
  opts: { token?: string; body?: string; type?: string; port?: number } = {},
): Promise<{ status: number; text: string }> {
  const body = opts.body ?? '';
  const to = opts.port ?? port;
  const headers: [string, string][] = [['Host', `127.0.0.1:${to}`]];
  if (opts.token !== undefined) headers.push(['Authorization', `Bearer ${opts.token}`]);
  if (body !== '') headers.push(['Content-Type', opts.type ?? 'application/json']);
  // A bound, not a timed assertion: a request that never answers fails with its name.
  const a = await sendRaw(to, { method, target, headers, body: body === '' ? null : Buffer.from(body) }, 10_000);
  return { status: a.status, text: a.raw };
}

/** A body that would succeed if the route ran: refusing it is the point. */
function bodyFor(op: Operation): { body?: string; type?: string } {
  switch (op) {
    case 'txns.append':
      return { body: '{"events":[{"key":"pwned","data":1}]}' };
    case 'batch':
      return { body: `{"txns":[{"topic":"${TOPIC}","events":[{"key":"pwned","data":1}]}]}` };
    case 'txns.invalidate':
      return { body: '{"reason":"pwned"}' };
    case 'diff':
      return { body: 'key,v\na,1\n', type: 'text/csv' };
    default:
      return {};
  }
}

/** The route pattern with real values: an existing topic and transaction. */
function fill(url: string): string {
  return url.replace(':topic', TOPIC).replace(':txn', '1');
}

async function snapshot(): Promise<{ topics: TopicInfo[]; maxSeq: Record<string, number> }> {
  const topics = await store.listTopics();
  const maxSeq: Record<string, number> = {};
  for (const t of topics) maxSeq[t.topic] = (await store.topicInfo(t.topic)).maxSeq;
  return { topics, maxSeq };
}

beforeAll(async () => {
  dir = tempDir('tidemark-bypass-');
  const ui = join(dir, 'ui');
  mkdirSync(ui);
  writeFileSync(join(ui, 'index.html'), `<!doctype html><title>${UI_MARK}</title>`);
  store = openSqliteStore(join(dir, 'store.db'));
  await store.append(TOPIC, { events: [{ key: 'a', data: 1 }] });
  await store.append(TOPIC, { events: [{ key: 'b', data: 2 }] });
  // Transaction 1 invalidated, so the read routes about an invalidated one (preview-republish) answer 2xx.
  await store.invalidate(TOPIC, 1, 'so preview-republish has something to preview');
  server = await startServer({
    store,
    port: 0,
    staticDir: ui,
    tokens: ROLES.map((role) => ({ token: TOKENS[role], role, name: `${role}-person` })),
  });
  port = Number(new URL(server.url).port);
});

afterAll(async () => {
  await server.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The routes under test: every registered one except the static catch-all (tried separately). */
function apiRoutes(): DeclaredRoute[] {
  return server.routes.filter((r) => r.url !== '/*');
}

describe('every route, every spelling, without a strong enough token', () => {
  it('the app lists its routes, each with an operation, the API ones included', () => {
    const seen = server.routes.map((r) => `${r.method} ${r.url} ${r.op}`);
    for (const must of [
      'GET /v1/topics topics.list',
      'HEAD /v1/topics topics.list',
      'POST /v1/topics/:topic/txns txns.append',
      'POST /v1/batch batch',
      'POST /v1/sample sample.load',
      'POST /v1/topics/:topic/txns/:txn/invalidate txns.invalidate',
      'GET /v1/topics/:topic/events/stream events.stream',
      'POST /v1/topics/:topic/diff diff',
      'GET /v1/topics/:topic/surface/export surface.export',
      'GET /metrics metrics',
      'GET /v1/whoami whoami',
      'GET /v1/health health',
      'GET /* ui',
    ]) {
      expect(seen).toContain(must);
    }
  });

  it('answers no 2xx and never the UI, and changes nothing', async () => {
    const before = await snapshot();
    const failures: string[] = [];
    const jobs: { method: string; target: string; token: string | undefined; op: Operation }[] = [];
    for (const r of apiRoutes()) {
      const need = needOf(r.op);
      if (need === 'public') continue;
      const weaker = ROLES.filter((role) => !roleAtLeast(role, need)).map((role) => TOKENS[role]);
      for (const target of spellings(fill(r.url))) {
        for (const token of [undefined, 'not-a-token', ...weaker])
          jobs.push({ method: r.method, target, token, op: r.op });
      }
    }
    expect(jobs.length).toBeGreaterThan(3000);
    await pool(jobs, async (j) => {
      const a = await raw(j.method, j.target, {
        ...bodyFor(j.op),
        ...(j.token !== undefined ? { token: j.token } : {}),
      });
      if (a.status < 400 || a.text.includes(UI_MARK)) {
        failures.push(`${j.method} ${j.target} token=${j.token ?? '-'}: ${a.status} ${a.text.slice(0, 120)}`);
      }
    });
    expect(failures).toEqual([]);
    expect(await snapshot()).toEqual(before);
    expect((await store.listTopics()).map((t) => t.topic)).toEqual([TOPIC]);
  });

  it('public routes answer only what they are, in any spelling, and never the UI for an API path', async () => {
    const failures: string[] = [];
    const health = server.routes.filter((r) => r.op === 'health');
    expect(health.length).toBeGreaterThan(0);
    await pool(
      health.flatMap((r) => spellings(r.url).map((target) => ({ method: r.method, target }))),
      async ({ method, target }) => {
        const a = await raw(method, target);
        const ok = a.status >= 400 || (method === 'HEAD' ? true : a.text.endsWith('{"status":"ok"}'));
        if (!ok || a.text.includes(UI_MARK)) failures.push(`${method} ${target}: ${a.status} ${a.text.slice(0, 120)}`);
      },
    );
    expect(failures).toEqual([]);
  });

  it('the same spellings do reach the routes with a strong enough token (the refusals are not vacuous)', async () => {
    // The spellings of the issue, which the router decodes to a real route: now they need the token.
    for (const target of [
      '/%761/topics',
      '/v%31/topics',
      '/%76%31/%74%6f%70%69%63%73',
      'http://x/v1/topics',
      '/v1/topics#',
    ]) {
      expect([target, (await raw('GET', target, { token: TOKENS.read })).status]).toEqual([target, 200]);
      expect([target, (await raw('GET', target)).status]).toEqual([target, 401]);
    }
    // Every route, canonical spelling, right role: reached (read routes answer 2xx; write routes are
    // sent an unknown query parameter, so they answer 400 before writing anything).
    const before = await snapshot();
    for (const r of apiRoutes()) {
      const need = needOf(r.op);
      const token = need === 'public' ? undefined : TOKENS[need];
      const writes = need === 'write' || need === 'admin';
      const target = fill(r.url) + (writes ? '?bogus=1' : '');
      const a = await raw(r.method, target, { ...bodyFor(r.op), ...(token !== undefined ? { token } : {}) });
      if (writes) {
        expect([r.method, target, a.status, a.text]).toEqual([r.method, target, 400, expect.stringContaining('bogus')]);
      } else {
        expect([r.method, target, a.status]).toEqual([r.method, target, 200]);
      }
    }
    expect(await snapshot()).toEqual(before);
  });
});

describe('the exact requests of the issue', () => {
  it('all refuse without a token, and nothing is written', async () => {
    const before = await snapshot();
    expect((await raw('GET', '/v1/topics')).status).toBe(401);
    const w = await raw('POST', '/%761/topics/t1/txns', { body: '{"events":[{"key":"pwned","data":1}]}' });
    expect(w.status).toBe(401);
    expect(w.text).toContain('"code":"UNAUTHORIZED"');
    expect(w.text.toLowerCase()).toContain('www-authenticate: bearer');
    expect((await raw('GET', '/%761/topics')).status).toBe(401);
    expect((await raw('GET', 'http://x/v1/topics')).status).toBe(401);
    expect((await raw('GET', '/%6detrics')).status).toBe(401);
    expect(await snapshot()).toEqual(before);
  });
});

describe('methods and paths with no route', () => {
  it('OPTIONS and unregistered methods get no 2xx on any route', async () => {
    const failures: string[] = [];
    const targets = ['*', ...new Set(apiRoutes().map((r) => fill(r.url)))];
    for (const target of targets) {
      for (const method of ['OPTIONS', 'PUT', 'DELETE', 'PATCH', 'TRACE', 'get']) {
        const a = await raw(method, target);
        if (a.status < 400 || a.text.includes(UI_MARK)) failures.push(`${method} ${target}: ${a.status}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('an unknown API path is a 404 envelope with or without a token, never index.html', async () => {
    const failures: string[] = [];
    const paths = [
      '/v1',
      '/v1/',
      '/v1/nope',
      '/V1/topics',
      '/v1/topics/t1/nope',
      '/%2576%2531/topics',
      '/v1%2Ftopics',
      '/x/../v1/nope',
      '/./v1/nope',
      '//v1/nope',
      '/v1;x/topics',
      '/METRICS',
      '/metrics/x',
      '/Metrics;x',
      '/%zz/v1',
      '/v1/%zz',
      'http://x/V1/topics',
      'http://x/x/../metrics/',
    ];
    for (const path of paths) {
      for (const token of [undefined, TOKENS.admin]) {
        for (const method of ['GET', 'HEAD', 'POST']) {
          const a = await raw(method, path, token !== undefined ? { token } : {});
          // Bad percent-encoding is Fastify's 400 before routing (its envelope is item 8 of the issue).
          const badUrl = path.includes('%zz');
          const envelope = method === 'HEAD' || badUrl || a.text.includes('"error":{"code":"');
          if (a.status !== (badUrl ? 400 : 404)) failures.push(`${method} ${path} token=${token ?? '-'}: ${a.status}`);
          if (!envelope || a.text.includes(UI_MARK)) failures.push(`${method} ${path}: not an envelope`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('UI paths still get the UI without a token', async () => {
    for (const path of ['/', '/index.html', '/some/page', '/v2/x', '/metricsx']) {
      const a = await raw('GET', path);
      expect([path, a.status]).toEqual([path, 200]);
    }
  });
});

describe('deny by default', () => {
  it('start-up fails when a route declares no operation, or an unknown one, naming each', async () => {
    const s = openSqliteStore(join(dir, 'deny.db'));
    try {
      const { app } = buildApp({ store: s });
      app.get('/extra', () => 'x');
      app.post('/extra', { config: { op: 'nope' as Operation } }, () => 'x');
      await expect(app.ready()).rejects.toThrow(
        'routes without a known operation (declare config.op, see model/access.ts): GET /extra (config.op = undefined); HEAD /extra (config.op = undefined); POST /extra (config.op = "nope")',
      );
      // an API route takes its operation from the route table; one missing there fails start-up,
      // also inside an encapsulated plugin (as the diff route is)
      const { app: app2 } = buildApp({ store: s });
      void app2.register((scope, _o, done) => {
        scope.post('/v1/plugin-route', () => 'x');
        done();
      });
      await expect(app2.listen({ host: '127.0.0.1', port: 0 })).rejects.toThrow(/POST \/v1\/plugin-route/);
      // and the server refuses to start with such a route: nothing listens
      expect(app2.server.listening).toBe(false);
    } finally {
      await s.close();
    }
  });

  it('a request that reaches a route without an operation is refused 403, even with no tokens', async () => {
    // Fastify without our onRoute check in front: the route registers, the request hook refuses it.
    const app = Fastify();
    app.setErrorHandler((err, req, reply) => sendError(reply, req, err, 1024));
    app.get('/v1/sneaky', () => ({ leaked: true }));
    installAuth(app, []);
    app.get('/v1/declared', { config: { op: 'topics.list' } }, () => ({ ok: true }));
    const sneaky = await app.inject({ method: 'GET', url: '/v1/sneaky' });
    expect(sneaky.statusCode).toBe(403);
    expect(sneaky.body).not.toContain('leaked');
    expect((await app.inject({ method: 'GET', url: '/v1/declared' })).statusCode).toBe(200);
    await app.close();
  });
});

describe('whatever the router normalises, the role comes from the route that runs', () => {
  it('holds with ignoreTrailingSlash, caseSensitive: false, ignoreDuplicateSlashes and useSemicolonDelimiter', async () => {
    // (a variable: Fastify's types lack routerOptions.useSemicolonDelimiter, which it reads)
    const routerOptions = {
      ignoreTrailingSlash: true,
      caseSensitive: false,
      ignoreDuplicateSlashes: true,
      useSemicolonDelimiter: true,
    };
    const app = Fastify({ routerOptions });
    app.setErrorHandler((err, req, reply) => sendError(reply, req, err, 1024));
    installAuth(app, [
      { token: 'r1', role: 'read', name: 'r' },
      { token: 'w1', role: 'write', name: 'w' },
    ]);
    let writes = 0;
    app.get('/v1/topics', { config: { op: 'topics.list' } }, () => ({ secret: true }));
    app.post('/v1/topics/:topic/txns/:txn/invalidate', { config: { op: 'txns.invalidate' } }, () => {
      writes++;
      return { ok: true };
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const p = (app.server.address() as { port: number }).port;
    try {
      const failures: string[] = [];
      let routedWithToken = 0;
      const reads = spellings('/v1/topics');
      for (const target of reads) {
        const anon = await raw('GET', target, { port: p });
        if (anon.status < 400) failures.push(`GET ${target}: ${anon.status}`);
        if ((await raw('GET', target, { port: p, token: 'r1' })).status === 200) routedWithToken++;
      }
      for (const target of spellings('/v1/topics/t1/txns/1/invalidate')) {
        for (const token of [undefined, 'r1', 'w1']) {
          const a = await raw('POST', target, { port: p, body: '{"reason":"x"}', ...(token ? { token } : {}) });
          if (a.status < 400) failures.push(`POST ${target} token=${token ?? '-'}: ${a.status}`);
        }
      }
      expect(failures).toEqual([]);
      expect(writes).toBe(0);
      // the router did match many odd spellings (case, slashes, ';'), and each needed the token
      expect(routedWithToken).toBeGreaterThan(reads.length / 2);
    } finally {
      await app.close();
    }
  });
});
