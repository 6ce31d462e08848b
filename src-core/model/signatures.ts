/**
 * The operation table: for every `StoreApi` method that takes plain data (everything but `diff`,
 * `exportSurface` and `subscribe`, whose callbacks, Files and pushes make them special), its
 * parameters, each a name and a zod schema from options.ts, in order. The Electron IPC contract is
 * this table (a channel per method name, its payload the argument list, validated by the tuple
 * schema), and the preload's bridge is one loop over its method names. A compile-time check pins
 * each entry's inferred argument list to the method's parameters in store-api.ts, so a method whose
 * parameters change without its entry (or the reverse) does not build. Pure data: no Node APIs.
 */
import { z } from 'zod';
import { badRequest } from './errors';
import {
  connectServerRequestSchema,
  connectionIdSchema,
  connectionPatchSchema,
  invalidateReasonSchema,
  listTxnsOptionsSchema,
  openFileRequestSchema,
  previewInvalidationOptionsSchema,
  readEventsOptionsSchema,
  appendRequestSchema,
  appendOptionsSchema,
  republishOptionsSchema,
  settingsPatchSchema,
  surfaceOptionsSchema,
  timelineOptionsSchema,
  topicNameSchema,
  txnNoSchema,
} from './options';
import type { PlainMethod } from './methods';
import type { StoreApi } from './store-api';

/** One parameter: its name (used in messages) and its schema. */
export type Param = readonly [name: string, schema: z.ZodType];

type SchemasOf<P extends readonly Param[]> = {
  -readonly [I in keyof P]: P[I] extends readonly [string, infer S extends z.ZodType] ? S : never;
};

/** A parameter list: the names and the tuple schema that validates an argument list. */
export interface Signature<T extends z.ZodTuple = z.ZodTuple> {
  readonly names: readonly string[];
  readonly args: T;
}

export function signature<const P extends readonly Param[]>(...params: P): Signature<z.ZodTuple<SchemasOf<P>, null>> {
  const schemas = params.map(([, schema]) => schema);
  return {
    names: params.map(([name]) => name),
    args: z.tuple(schemas as [z.ZodType, ...z.ZodType[]]) as unknown as z.ZodTuple<SchemasOf<P>, null>,
  };
}

/** `opts?`-style names of a signature's parameters, for messages. */
function paramList(sig: Signature): string {
  return sig.args.def.items
    .map((schema, i) => `${sig.names[i] ?? `#${i + 1}`}${z.safeParse(schema, undefined).success ? '?' : ''}`)
    .join(', ');
}

/** One message per zod issue, naming the parameter and the field path (`opts.limit: ...`). */
function describeIssue(sig: Signature, given: number, issue: z.core.$ZodIssue): string {
  const [first, ...rest] = issue.path;
  if (first === undefined) {
    if (issue.code === 'too_small' || issue.code === 'too_big') {
      return `takes (${paramList(sig)}), got ${given} argument${given === 1 ? '' : 's'}`;
    }
    return `the arguments: ${issue.message}`;
  }
  const where = [
    typeof first === 'number' ? (sig.names[first] ?? `#${first + 1}`) : String(first),
    ...rest.map(String),
  ];
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((k) => `${[...where, k].join('.')}: unknown field`).join('; ');
  }
  return `${where.join('.')}: ${issue.message}`;
}

/**
 * Checks an argument list against a signature and returns the parsed arguments; otherwise a
 * BAD_REQUEST naming `name`, the parameter and the field (an unknown field by its name), for up to
 * three problems.
 */
export function parseArgs<S extends Signature>(name: string, sig: S, args: unknown): z.infer<S['args']> {
  if (!Array.isArray(args)) throw badRequest(`${name}: the arguments must be a list`);
  const parsed = sig.args.safeParse(args);
  if (parsed.success) return parsed.data as z.infer<S['args']>;
  const parts = parsed.error.issues.slice(0, 3).map((i) => describeIssue(sig, args.length, i));
  throw badRequest(`${name}: ${parts.join('; ')}`);
}

export { PLAIN_METHODS, SPECIAL_METHODS, type PlainMethod, type SpecialMethod } from './methods';

const topic = ['topic', topicNameSchema] as const;
const txn = ['txn', txnNoSchema] as const;
const id = ['id', connectionIdSchema] as const;

export const STORE_API_SIGNATURES = {
  capabilities: signature(),
  currentConnection: signature(),
  recentConnections: signature(),
  openFile: signature(['req', openFileRequestSchema]),
  connectServer: signature(['req', connectServerRequestSchema]),
  reconnect: signature(id),
  updateConnection: signature(id, ['patch', connectionPatchSchema]),
  forgetConnection: signature(id),

  listTopics: signature(),
  topicInfo: signature(topic),
  readEvents: signature(topic, ['opts', readEventsOptionsSchema.optional()]),
  listTxns: signature(topic, ['opts', listTxnsOptionsSchema.optional()]),
  getTxn: signature(topic, txn),
  surface: signature(topic, ['opts', surfaceOptionsSchema.optional()]),
  timeline: signature(topic, ['opts', timelineOptionsSchema.optional()]),
  append: signature(topic, ['req', appendRequestSchema], ['opts', appendOptionsSchema.optional()]),
  previewInvalidate: signature(topic, txn, ['limit', previewInvalidationOptionsSchema.shape.limit]),
  invalidate: signature(topic, txn, ['reason', invalidateReasonSchema]),
  previewRepublish: signature(topic, txn, ['limit', previewInvalidationOptionsSchema.shape.limit]),
  republish: signature(topic, txn, ['opts', republishOptionsSchema.optional()]),
  loadSampleData: signature(),
  settings: signature(),
  updateSettings: signature(['patch', settingsPatchSchema]),
} satisfies { [M in PlainMethod]: Signature };

/** Fails to compile when the table and methods.ts's PLAIN_METHODS list different methods. */
const tableListsEveryMethod: Record<keyof typeof STORE_API_SIGNATURES, true> = {} as Record<PlainMethod, true>;
void tableListsEveryMethod;

/** The argument list a plain method's entry accepts. */
export type ArgsOf<M extends PlainMethod> = z.infer<(typeof STORE_API_SIGNATURES)[M]['args']>;

/** True when A and B are the same type (not merely assignable one way). */
export type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/**
 * Fails to compile when an entry's argument list differs from the method's parameters in
 * store-api.ts (a parameter added, removed, reordered, made optional or retyped on one side only).
 */
export type SignaturesMatchStoreApi = { [M in PlainMethod]: Equal<ArgsOf<M>, Parameters<StoreApi[M]>> };
const signaturesMatch: { [M in PlainMethod]: true } = {} as SignaturesMatchStoreApi;
void signaturesMatch;
