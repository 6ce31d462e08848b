/**
 * The one IPC contract between the Electron main process and the preload bridge. Its invoke
 * channels are the `StoreApi` method names: each plain method's channel is its entry of the
 * operation table (src-core/model/signatures.ts), its payload the method's argument list, validated
 * by that entry's tuple schema before a handler sees it (the renderer is untrusted). Only the three
 * special methods are declared here, still under their method names: `diff` and `repair` (the File
 * becomes a path or bytes), `exportSurface` (main shows the save dialog) and `subscribe` (events are pushed),
 * each with an id the preload picks, plus `<method>:cancel` and `subscribe:stop`. Response types are
 * derived from `StoreApi` (`Awaited<ReturnType<StoreApi[M]>>`), never spelled again. Push channels
 * (main -> renderer: live events, long-operation progress) are typed here too. Every response
 * travels in an `IpcResult` envelope so error codes survive the boundary. No Electron import: the
 * preload imports this file for its channel table, main and the tests for the schemas.
 */
import { z } from 'zod';
import type { ErrorBody } from '../src-core/model/errors';
import {
  compareWithRequestSchema,
  diffParamsSchema,
  exportSurfaceRequestSchema,
  repairParamsSchema,
  seqNoSchema,
  topicNameSchema,
  verifyRequestSchema,
} from '../src-core/model/options';
import {
  STORE_API_SIGNATURES,
  signature,
  type Equal,
  type PlainMethod,
  type Signature,
  type SpecialMethod,
} from '../src-core/model/signatures';
import type { DiffRequest, Progress, RepairRequest, StoreApi } from '../src-core/model/store-api';
import type { StoredEvent } from '../src-core/model/types';

/** Ids the preload picks for subscriptions and long operations (unique per window). */
const opId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 characters of A-Z a-z 0-9 _ -');

const bytes = z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'must be bytes (a Uint8Array)');

/** Where main reads a diff snapshot from: a path the preload got from a File, or the bytes. */
const snapshotSource = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('path'), path: z.string().min(1).max(4096) }),
  z.strictObject({ kind: z.literal('bytes'), bytes }),
]);

/** A diff's parameters as they cross IPC: the `DiffRequest` with its File replaced by `source`. */
export const diffRunSchema = diffParamsSchema.extend({ source: snapshotSource });
export type DiffRunRequest = z.infer<typeof diffRunSchema>;

/** A repair's parameters as they cross IPC: the `RepairRequest` with its File replaced by `source`. */
export const repairRunSchema = repairParamsSchema.extend({ source: snapshotSource });
export type RepairRunRequest = z.infer<typeof repairRunSchema>;

/** The methods that run as long operations: progress on `op:progress`, `<method>:cancel` stops them. */
export type LongMethod = Extract<SpecialMethod, 'diff' | 'repair' | 'exportSurface' | 'compareWith' | 'verify'>;
export type CancelChannel = `${LongMethod}:cancel`;

const topic = ['topic', topicNameSchema] as const;

/** Every invoke channel with its parameters: the operation table plus the special methods. */
export const CONTRACT = {
  ...STORE_API_SIGNATURES,
  diff: signature(topic, ['req', diffRunSchema], ['opId', opId]),
  'diff:cancel': signature(['opId', opId]),
  repair: signature(topic, ['req', repairRunSchema], ['opId', opId]),
  'repair:cancel': signature(['opId', opId]),
  exportSurface: signature(topic, ['req', exportSurfaceRequestSchema], ['opId', opId]),
  'exportSurface:cancel': signature(['opId', opId]),
  compareWith: signature(['req', compareWithRequestSchema], ['opId', opId]),
  'compareWith:cancel': signature(['opId', opId]),
  // --- verify (issue 13): runs in a job worker like a diff ---
  verify: signature(topic, ['req', verifyRequestSchema], ['opId', opId]),
  'verify:cancel': signature(['opId', opId]),
  // --- end verify ---
  subscribe: signature(topic, ['after', seqNoSchema], ['subId', opId]),
  'subscribe:stop': signature(['subId', opId]),
} satisfies Record<PlainMethod | SpecialMethod | CancelChannel | 'subscribe:stop', Signature>;

export type Channel = keyof typeof CONTRACT;
/** The argument list a channel's payload must be. */
export type ArgsOf<C extends Channel> = z.infer<(typeof CONTRACT)[C]['args']>;

type Value<M extends keyof StoreApi> = Awaited<ReturnType<StoreApi[M]>>;

/** What each channel's handler resolves to (the `value` of a successful envelope). */
export type ResponseMap = { [M in PlainMethod | LongMethod]: Value<M> } & {
  [C in CancelChannel | 'subscribe' | 'subscribe:stop']: void;
};

export type ResponseOf<C extends Channel> = ResponseMap[C];

/** The envelope every invoke resolves to; errors carry a code from src-core/model/errors.ts. */
export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: ErrorBody };

/** Push channels: main -> renderer, addressed by the id the preload chose. */
export interface PushMap {
  'subscribe:events': { subId: string; events: StoredEvent[] };
  'subscribe:error': { subId: string; error: ErrorBody };
  'op:progress': { opId: string; progress: Progress };
}
export type PushChannel = keyof PushMap;

export const CHANNELS = Object.keys(CONTRACT) as Channel[];

/*
 * The special channels carry the method's own data arguments first (then the preload's id): pinned
 * here so `StoreApi` and the contract cannot drift apart for them either.
 */
type Params<M extends SpecialMethod> = Parameters<StoreApi[M]>;
type SpecialsMatch = {
  diff: Equal<[ArgsOf<'diff'>[0], Omit<ArgsOf<'diff'>[1], 'source'>], [Params<'diff'>[0], Omit<DiffRequest, 'file'>]>;
  repair: Equal<
    [ArgsOf<'repair'>[0], Omit<ArgsOf<'repair'>[1], 'source'>],
    [Params<'repair'>[0], Omit<RepairRequest, 'file'>]
  >;
  exportSurface: Equal<ArgsOf<'exportSurface'>, [Params<'exportSurface'>[0], Params<'exportSurface'>[1], string]>;
  subscribe: Equal<ArgsOf<'subscribe'>, [Params<'subscribe'>[0], Params<'subscribe'>[1], string]>;
  compareWith: Equal<ArgsOf<'compareWith'>, [Params<'compareWith'>[0], string]>;
  verify: Equal<ArgsOf<'verify'>, [Params<'verify'>[0], Params<'verify'>[1], string]>;
};
const specialsMatch: { [M in SpecialMethod]: true } = {} as SpecialsMatch;
void specialsMatch;
