/**
 * The option names each read serialises (as query parameters over HTTP), in the order of their
 * schemas, without zod: the HTTP clients (src-core/wire, so also the browser bundle) need the names,
 * not the schemas, and zod stays out of the renderer. Each list is pinned to its schema at compile
 * time (a field missing here, or a name that is not a field, fails the build) and at run time by
 * model/signatures.unit.test.ts; model/options.ts re-exports them beside the schemas.
 */
import type {
  exportSurfaceRequestSchema,
  listTxnsOptionsSchema,
  previewInvalidationOptionsSchema,
  readEventsOptionsSchema,
  surfaceOptionsSchema,
  timelineOptionsSchema,
} from './options';

type FieldOf<S extends { shape: object }> = keyof S['shape'] & string;

export const READ_EVENTS_OPTION_KEYS = [
  'after',
  'before',
  'limit',
  'order',
  'key',
  'txn',
] as const satisfies readonly FieldOf<typeof readEventsOptionsSchema>[];
export const LIST_TXNS_OPTION_KEYS = ['after', 'before', 'limit', 'order', 'by'] as const satisfies readonly FieldOf<
  typeof listTxnsOptionsSchema
>[];
export const SURFACE_OPTION_KEYS = ['after', 'limit', 'prefix', 'view', 'asOfTxn'] as const satisfies readonly FieldOf<
  typeof surfaceOptionsSchema
>[];
export const PREVIEW_INVALIDATION_OPTION_KEYS = ['limit'] as const satisfies readonly FieldOf<
  typeof previewInvalidationOptionsSchema
>[];
export const EXPORT_SURFACE_REQUEST_KEYS = ['format', 'prefix', 'view', 'asOfTxn'] as const satisfies readonly FieldOf<
  typeof exportSurfaceRequestSchema
>[];

export const TIMELINE_OPTION_KEYS = ['buckets', 'from', 'to'] as const satisfies readonly FieldOf<
  typeof timelineOptionsSchema
>[];

/** `true` only when `K` names every field of `S`. */
type Complete<S extends { shape: object }, K extends readonly string[]> = [Exclude<FieldOf<S>, K[number]>] extends [
  never,
]
  ? true
  : false;

/** Fails to compile when a list above misses a field of its schema. */
const everyFieldListed: [
  Complete<typeof readEventsOptionsSchema, typeof READ_EVENTS_OPTION_KEYS>,
  Complete<typeof listTxnsOptionsSchema, typeof LIST_TXNS_OPTION_KEYS>,
  Complete<typeof surfaceOptionsSchema, typeof SURFACE_OPTION_KEYS>,
  Complete<typeof previewInvalidationOptionsSchema, typeof PREVIEW_INVALIDATION_OPTION_KEYS>,
  Complete<typeof exportSurfaceRequestSchema, typeof EXPORT_SURFACE_REQUEST_KEYS>,
  Complete<typeof timelineOptionsSchema, typeof TIMELINE_OPTION_KEYS>,
] = [true, true, true, true, true, true];
void everyFieldListed;
