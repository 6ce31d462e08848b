/**
 * The route table (src-core/server/route-table.ts), the server, the OpenAPI document and
 * docs/api.md agree: building the app registers exactly the table's routes (an API route missing
 * from the table fails at registration), each route's role is the one auth enforces, the document
 * served at GET /v1/openapi.json has every route with resolvable schemas, and docs/api.md has a
 * section for every route (and none for a route that does not exist) naming each of its query
 * parameters. Unknown query parameters are refused on every route, the diff route included.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type BuiltApp } from '../../src-core/server/app';
import { needOf } from '../../src-core/model/access';
import { openApiDocument, openApiPath } from '../../src-core/server/openapi';
import { installRouteTable } from '../../src-core/server/route-install';
import { ROUTES, roleOf } from '../../src-core/server/route-table';
import { openSqliteStore } from '../../src-core/store/sqlite/index';
import type { EventStore } from '../../src-core/store/types';

const ROOT = resolve(import.meta.dirname, '../..');
const docs = readFileSync(join(ROOT, 'docs/api.md'), 'utf8');

let dir: string;
let store: EventStore;
let built: BuiltApp;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tidemark-openapi-'));
  store = openSqliteStore(join(dir, 't.db'));
  built = buildApp({ store });
  await built.app.ready();
});

afterAll(async () => {
  await built.app.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** `### \`GET /v1/topics/{topic}\`` headings of docs/api.md. */
function documentedRoutes(): string[] {
  return [...docs.matchAll(/^### `(GET|POST) (\/\S+)`$/gm)].map((m) => `${m[1]} ${m[2]}`);
}

/** The text of the section of one route in docs/api.md. */
function section(method: string, path: string): string {
  const start = docs.indexOf(`### \`${method} ${path}\``);
  const next = docs.slice(start + 4).search(/^##/m);
  return next < 0 ? docs.slice(start) : docs.slice(start, start + 4 + next);
}

describe('the route table', () => {
  it('is what the server registers', () => {
    for (const r of ROUTES)
      expect(built.app.hasRoute({ method: r.method, url: r.path }), `${r.method} ${r.path}`).toBe(true);
  });

  it('refuses to start with an API route that it does not declare', async () => {
    const app = Fastify();
    installRouteTable(app);
    app.get('/v1/undeclared', () => 'x');
    app.get('/not-the-api', () => 'x');
    await expect(app.ready()).rejects.toThrow(
      'routes not in src-core/server/route-table.ts: GET /v1/undeclared is not declared there; HEAD /v1/undeclared is not declared there',
    );
  });

  it('gives each registered route the operation of its entry, which is what auth enforces', () => {
    for (const r of ROUTES) {
      const registered = built.routes.filter((d) => d.method === r.method && d.url === r.path);
      expect(
        registered.map((d) => d.op),
        `${r.method} ${r.path}`,
      ).toEqual([r.op]);
      expect(roleOf(r)).toBe(needOf(r.op));
    }
  });

  it('refuses to start with an API route that declares an operation itself', async () => {
    const app = Fastify();
    installRouteTable(app);
    app.post('/v1/batch', { config: { op: 'health' } }, () => 'x');
    await expect(app.ready()).rejects.toThrow(/POST \/v1\/batch declares its own operation/);
  });

  it('refuses an unknown query parameter on every route, naming the ones it takes', async () => {
    for (const r of ROUTES) {
      const url = r.path.replace(':topic', 't').replace(':txn', '1') + '?bogus=1';
      const res = await built.app.inject({ method: r.method, url });
      expect(res.statusCode, `${r.method} ${url}`).toBe(400);
      const known = Object.keys(r.query);
      expect(res.json(), `${r.method} ${url}`).toEqual({
        error: {
          code: 'BAD_REQUEST',
          message: `bogus: unknown query parameter${known.length ? ` (this route takes ${known.join(', ')})` : ''}`,
        },
      });
    }
  });
});

describe('GET /v1/openapi.json', () => {
  it('serves an OpenAPI 3.1 document with every route and its declared parameters', async () => {
    const res = await built.app.inject({ method: 'GET', url: '/v1/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json<{
      openapi: string;
      paths: Record<string, Record<string, { parameters: { name: string; in: string }[]; 'x-tidemark-role': string }>>;
    }>();
    expect(doc).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
    expect(doc.openapi).toBe('3.1.0');
    const operations = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`),
    );
    expect(operations.sort()).toEqual(ROUTES.map((r) => `${r.method} ${openApiPath(r.path)}`).sort());
    for (const r of ROUTES) {
      const op = doc.paths[openApiPath(r.path)]![r.method.toLowerCase()]!;
      expect(op['x-tidemark-role']).toBe(roleOf(r));
      expect(op.parameters.filter((p) => p.in === 'query').map((p) => p.name)).toEqual(Object.keys(r.query));
      expect(op.parameters.filter((p) => p.in === 'path').map((p) => p.name)).toEqual(
        [...r.path.matchAll(/:(\w+)/g)].map((m) => m[1]),
      );
    }
  });

  it("declares every API header a route's 200 answer carries, and the route sends each it declares", async () => {
    await store.append('t', { events: [{ key: 'k', data: { v: 1 } }] });
    const doc = openApiDocument() as {
      paths: Record<string, Record<string, { responses: Record<string, { headers?: Record<string, unknown> }> }>>;
    };
    const checked: string[] = [];
    for (const r of ROUTES) {
      // The live tail never ends; every other GET is asked for with its path parameters filled in.
      if (r.method !== 'GET' || 'text/event-stream' in r.response) continue;
      const res = await built.app.inject({ method: 'GET', url: r.path.replace(':topic', 't').replace(':txn', '1') });
      if (res.statusCode !== 200) continue;
      checked.push(r.path);
      const sent = Object.keys(res.headers).filter((h) => h.startsWith('tidemark-') || h === 'content-disposition');
      const declared = Object.keys(r.responseHeaders ?? {});
      expect(sent.sort(), `GET ${r.path}`).toEqual(declared.map((h) => h.toLowerCase()).sort());
      const op = doc.paths[openApiPath(r.path)]!.get!;
      expect(Object.keys(op.responses['200']!.headers ?? {}), `GET ${r.path}`).toEqual(declared);
    }
    expect(checked).toEqual(
      expect.arrayContaining([
        '/v1/topics/:topic/events',
        '/v1/topics/:topic/txns',
        '/v1/topics/:topic/surface',
        '/v1/topics/:topic/surface/export',
      ]),
    );
  });

  it('declares the headers error answers carry (server/errors.ts sends them)', () => {
    const op = (
      openApiDocument() as {
        paths: Record<string, Record<string, { responses: Record<string, { headers?: Record<string, unknown> }> }>>;
      }
    ).paths['/v1/topics/{topic}/events']!.get!;
    expect(Object.keys(op.responses['429']!.headers ?? {})).toEqual(['Retry-After']);
    expect(Object.keys(op.responses['401']!.headers ?? {})).toEqual(['WWW-Authenticate']);
    expect(op.responses['400']!.headers).toBeUndefined();
  });

  it('has no $ref that does not resolve', () => {
    const doc = openApiDocument();
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(10);
    const schemas = (doc.components as { schemas: Record<string, unknown> }).schemas;
    expect(refs.filter((name) => !(name in schemas))).toEqual([]);
  });
});

describe('docs/api.md', () => {
  it('has a section for every route, and none for a route that does not exist', () => {
    expect(documentedRoutes().sort()).toEqual(ROUTES.map((r) => `${r.method} ${openApiPath(r.path)}`).sort());
  });

  it("names every query parameter of each route in the route's section", () => {
    for (const r of ROUTES) {
      const text = section(r.method, openApiPath(r.path));
      for (const name of Object.keys(r.query)) expect(text, `${r.method} ${r.path}: ${name}`).toContain(`\`${name}\``);
    }
  });
});
