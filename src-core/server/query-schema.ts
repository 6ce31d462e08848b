/**
 * Query parameters declared from a model schema: `queryOf(schema, descriptions)` turns an option
 * schema of model/options.ts into the route table's query declarations, taking every name, type
 * and bound from the schema and only the prose from the route. The descriptions must name exactly
 * the schema's fields (a type error otherwise, and a start-up error should a cast hide one), so a
 * field added to an option object is a query parameter of its route, checked with the same bounds
 * the IPC contract and the store's callers use. The order of the descriptions is the order the
 * route documents its parameters in. Also the one home of a declared parameter's type (`QueryParam`)
 * and of reading a query by its declaration (`queryValues`).
 */
import { z } from 'zod';
import { badRequest } from '../model/errors';
import { type Query, enumParam, intParam, stringParam } from './params';

/** One declared query parameter: its type, bounds and the prose the OpenAPI document shows. */
export type QueryParam =
  | { type: 'integer'; min: number; max?: number; description: string }
  | { type: 'string'; maxLength: number; allowEmpty?: boolean; description: string }
  | { type: 'enum'; values: readonly string[]; description: string };

/** A seq-like parameter: an integer from 0. */
export const seqParam = (description: string) => ({ type: 'integer', min: 0, description }) satisfies QueryParam;

/** A comma list, bounded by the query's own length limit (64 KiB). */
export const listParam = (description: string) =>
  ({ type: 'string', maxLength: 64 * 1024, description }) satisfies QueryParam;

/** The value a declared parameter has once read: a number, one of its values, or text. */
type ParamValue<P extends QueryParam> = P extends { type: 'integer' }
  ? number
  : P extends { type: 'enum'; values: readonly (infer V)[] }
    ? V
    : string;

/** The values of a query as its declaration types them; an absent parameter is absent. */
export type QueryValues<Q extends Readonly<Record<string, QueryParam>>> = { [K in keyof Q]?: ParamValue<Q[K]> };

/**
 * Reads every declared parameter of `q` by its declaration (params.ts: integers by the rule of
 * model/parse.ts, enums, bounded strings), throwing the 400 that names a malformed one. Names and
 * repeats are `checkQuery`'s; `checkRouteQuery` does both.
 */
export function queryValues<Q extends Readonly<Record<string, QueryParam>>>(decl: Q, q: Query): QueryValues<Q> {
  const out: Record<string, string | number> = {};
  for (const [name, p] of Object.entries(decl)) {
    const v =
      p.type === 'integer'
        ? intParam(q, name, p.min, p.max)
        : p.type === 'enum'
          ? enumParam(q, name, p.values)
          : stringParam(q, name, p.maxLength, p.allowEmpty === true);
    if (v !== undefined) out[name] = v;
  }
  return out as QueryValues<Q>;
}

type Descriptions<S extends z.ZodObject> = { readonly [K in keyof S['shape']]-?: string };

interface JsonSchemaProp {
  type?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
}

function fail(name: string, why: string): never {
  throw new Error(`query parameter ${name}: ${why} (src-core/server/query-schema.ts)`);
}

/** One field's declaration, from its JSON Schema (zod's own rendering of its checks). */
function paramOf(name: string, p: JsonSchemaProp, description: string): QueryParam {
  if (p.exclusiveMinimum !== undefined || p.exclusiveMaximum !== undefined || p.pattern !== undefined) {
    fail(name, 'only inclusive bounds and lengths can be query checks');
  }
  if (p.type === 'integer') {
    // a query spells non-negative integers only (params.ts)
    if (p.minimum === undefined || p.minimum < 0) fail(name, 'an integer parameter needs a lower bound of 0 or more');
    const max = p.maximum === undefined || p.maximum >= Number.MAX_SAFE_INTEGER ? undefined : p.maximum;
    return max === undefined
      ? { type: 'integer', min: p.minimum, description }
      : { type: 'integer', min: p.minimum, max, description };
  }
  if (p.type === 'string' && p.enum !== undefined) {
    if (!p.enum.every((v): v is string => typeof v === 'string')) fail(name, 'enum values must be strings');
    return { type: 'enum', values: p.enum, description };
  }
  if (p.type === 'string') {
    if (p.maxLength === undefined) fail(name, 'a string parameter needs a maximum length');
    const min = p.minLength ?? 0;
    if (min > 1) fail(name, 'a string parameter may only require a non-empty value');
    return min === 0
      ? { type: 'string', maxLength: p.maxLength, allowEmpty: true, description }
      : { type: 'string', maxLength: p.maxLength, description };
  }
  return fail(name, `a ${p.type ?? 'compound'} value cannot be a query parameter`);
}

export function queryOf<S extends z.ZodObject>(schema: S, descriptions: Descriptions<S>): Record<string, QueryParam> {
  const props = (z.toJSONSchema(schema) as { properties?: Record<string, JsonSchemaProp> }).properties ?? {};
  const fields = Object.keys(schema.shape);
  const described = Object.keys(descriptions);
  const missing = fields.filter((f) => !described.includes(f));
  const extra = described.filter((d) => !fields.includes(d));
  if (missing.length > 0 || extra.length > 0) {
    fail([...missing, ...extra].join(', '), 'the descriptions must name exactly the fields of the schema');
  }
  const out: Record<string, QueryParam> = {};
  for (const name of described) {
    out[name] = paramOf(name, props[name] ?? {}, (descriptions as Record<string, string>)[name]!);
  }
  return out;
}

/** Each schema's query declaration without prose, made once (for `optionsFromQuery`). */
const declarations = new WeakMap<z.ZodObject, Record<string, QueryParam>>();

function declarationOf(schema: z.ZodObject): Record<string, QueryParam> {
  let decl = declarations.get(schema);
  if (!decl) {
    const blank = Object.fromEntries(Object.keys(schema.shape).map((k) => [k, ''])) as Descriptions<typeof schema>;
    decl = queryOf(schema, blank);
    declarations.set(schema, decl);
  }
  return decl;
}

/**
 * The option object a route hands to the store, built from its query by the same schema that
 * declared the query (so a field added to the schema reaches the store, never checked and then
 * dropped): each declared parameter read with the route table's rules (model/parse.ts integers,
 * enums, bounded strings; a malformed one is the 400 naming it), then the schema's own parse.
 * `defaults` fills fields the query left out (e.g. an export's `format`).
 */
export function optionsFromQuery<S extends z.ZodObject>(
  schema: S,
  q: Query,
  defaults: Partial<z.infer<S>> = {},
): z.infer<S> {
  const values = { ...defaults, ...queryValues(declarationOf(schema), q) };
  const parsed = schema.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw badRequest(`${issue.path.join('.') || 'query'}: ${issue.message}`);
  }
  return parsed.data;
}
