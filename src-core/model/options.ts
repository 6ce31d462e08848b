/**
 * The option objects of the read operations, declared once as zod schemas: the types in
 * model/types.ts follow them, the HTTP clients serialise exactly their keys as query parameters
 * (`*_OPTION_KEYS`), and the Electron IPC contract validates requests with them. A field added here
 * reaches every caller; a field a caller forgets to list cannot be dropped silently, because no
 * caller lists them.
 */
import { z } from 'zod';
import { LIMITS } from './limits';

const seqNo = z.number().int().nonnegative();
const txnNo = z.number().int().positive();
const limit = z.number().int().min(1).max(LIMITS.pageMax);
const order = z.enum(['asc', 'desc']);

export const readEventsOptionsSchema = z.strictObject({
  after: seqNo.optional(),
  before: seqNo.optional(),
  limit: limit.optional(),
  order: order.optional(),
  key: z.string().min(1).max(LIMITS.keyMax).optional(),
  txn: txnNo.optional(),
});

export const listTxnsOptionsSchema = z.strictObject({
  after: seqNo.optional(),
  before: seqNo.optional(),
  limit: limit.optional(),
  order: order.optional(),
});

/** The surface selection shared by a surface page and a surface export. */
export const surfaceSelectionShape = {
  prefix: z.string().max(LIMITS.keyMax).optional(),
  view: z.enum(['valid', 'raw']).optional(),
  asOfTxn: seqNo.optional(),
};

export const surfaceOptionsSchema = z.strictObject({
  ...surfaceSelectionShape,
  after: z.string().max(LIMITS.keyMax).optional(),
  limit: limit.optional(),
});

export const READ_EVENTS_OPTION_KEYS = readEventsOptionsSchema.keyof().options;
export const LIST_TXNS_OPTION_KEYS = listTxnsOptionsSchema.keyof().options;
export const SURFACE_OPTION_KEYS = surfaceOptionsSchema.keyof().options;
