/**
 * The route table's read queries come from the option schemas (query-schema.ts `queryOf`): each
 * of the events, transactions, surface, export and preview routes takes exactly its schema's
 * fields, and the route's check accepts and refuses the same values at each bound as the schema
 * does (what the IPC contract validates with). `queryOf` refuses descriptions that do not name
 * exactly the schema's fields and fields no query check can express.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as options from '../model/options';
import { checkRouteQuery } from './route-install';
import { type RouteSpec, ROUTES } from './route-table';
import { optionsFromQuery, queryOf } from './query-schema';

const READS: Array<[string, z.ZodObject]> = [
  ['/v1/topics/:topic/events', options.readEventsOptionsSchema],
  ['/v1/topics/:topic/txns', options.listTxnsOptionsSchema],
  ['/v1/topics/:topic/surface', options.surfaceOptionsSchema],
  ['/v1/topics/:topic/surface/export', options.exportSurfaceRequestSchema],
  ['/v1/topics/:topic/txns/:txn/preview-invalidate', options.previewInvalidationOptionsSchema],
];

function route(path: string): RouteSpec {
  const spec = ROUTES.find((r) => r.method === 'GET' && r.path === path);
  if (!spec) throw new Error(`no route ${path}`);
  return spec;
}

function routeAccepts(spec: RouteSpec, name: string, value: string): boolean {
  try {
    checkRouteQuery(spec, { [name]: value });
    return true;
  } catch {
    return false;
  }
}

/** Values at and just past each bound a field's query declaration has, as the query spells them. */
function probes(p: RouteSpec['query'][string]): Array<[string, unknown]> {
  if (p.type === 'integer') {
    const out: Array<[string, unknown]> = [
      [String(p.min), p.min],
      [String(p.min - 1), p.min - 1],
    ];
    if (p.max !== undefined) out.push([String(p.max), p.max], [String(p.max + 1), p.max + 1]);
    return out;
  }
  if (p.type === 'enum') return [...p.values.map((v): [string, unknown] => [v, v]), ['other', 'other']];
  return [
    ['', ''],
    ['k', 'k'],
    ['k'.repeat(p.maxLength), 'k'.repeat(p.maxLength)],
    ['k'.repeat(p.maxLength + 1), 'k'.repeat(p.maxLength + 1)],
  ];
}

describe('the read routes’ queries', () => {
  it.each(READS)('%s takes exactly the fields of its option schema', (path, schema) => {
    expect(Object.keys(route(path).query).sort()).toEqual(Object.keys(schema.shape).sort());
  });

  it.each(READS)(
    '%s hands every field of a query to the store, typed (none checked and then dropped)',
    (path, schema) => {
      const spec = route(path);
      const query: Record<string, string> = {};
      const want: Record<string, unknown> = {};
      for (const [name, param] of Object.entries(spec.query)) {
        // The lowest accepted value of each field, as the query spells it and as the store gets it.
        const [text, value] = probes(param).find(([t]) => routeAccepts(spec, name, t) && t !== '')!;
        query[name] = text;
        want[name] = value;
      }
      expect(optionsFromQuery(schema, query)).toEqual(want);
    },
  );

  it.each(READS)('%s accepts and refuses what its schema does, at every bound', (path, schema) => {
    const spec = route(path);
    for (const [name, param] of Object.entries(spec.query)) {
      const field = schema.shape[name] as z.ZodType;
      for (const [text, value] of probes(param)) {
        expect(routeAccepts(spec, name, text), `${path} ${name}=${text}`).toBe(field.safeParse(value).success);
      }
    }
  });

  it('keeps the wording and bounds the documentation shows', () => {
    expect(route('/v1/topics/:topic/events').query.limit).toEqual({
      type: 'integer',
      min: 1,
      max: 10_000,
      description: 'events per page (default 100, at most 10000)',
    });
    expect(route('/v1/topics/:topic/surface').query.prefix).toMatchObject({ type: 'string', allowEmpty: true });
    expect(route('/v1/topics/:topic/surface').query.after).not.toHaveProperty('allowEmpty');
    expect(Object.keys(route('/v1/topics/:topic/surface/export').query)).toEqual([
      'format',
      'view',
      'asOfTxn',
      'prefix',
    ]);
  });
});

describe('queryOf', () => {
  const schema = z.strictObject({ n: z.number().int().min(0).optional(), s: z.string().max(9).optional() });

  it('refuses descriptions that miss or add a field', () => {
    expect(() => queryOf(schema, { n: 'n' } as never)).toThrow(/query parameter s: the descriptions must name/);
    expect(() => queryOf(schema, { n: 'n', s: 's', x: 'x' } as never)).toThrow(/query parameter x:/);
  });

  it('refuses fields a query check cannot express', () => {
    const bad =
      (field: z.ZodType): (() => unknown) =>
      () =>
        queryOf(z.strictObject({ f: field }), { f: 'f' });
    expect(bad(z.string())).toThrow(/needs a maximum length/);
    expect(bad(z.string().min(2).max(9))).toThrow(/non-empty/);
    expect(bad(z.number().int().positive())).toThrow(/inclusive/);
    expect(bad(z.number().int())).toThrow(/lower bound/);
    expect(bad(z.boolean())).toThrow(/cannot be a query parameter/);
  });
});
