/**
 * The operation table (signatures.ts) and the option schemas it is built from (options.ts): every
 * entry names each of its parameters, every option object is strict and its key list is its
 * fields, and `parseArgs` passes a valid argument list through unchanged while refusing a bad one
 * with a message naming the operation, the parameter and the field (an unknown field by its name).
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { hasErrorCode } from './errors';
import * as options from './options';
import { PLAIN_METHODS, SPECIAL_METHODS, STORE_API_SIGNATURES, parseArgs, signature } from './signatures';

/** The BAD_REQUEST message `parseArgs` throws, or a failure if it does not throw one. */
function refusal(method: keyof typeof STORE_API_SIGNATURES, args: unknown): string {
  try {
    parseArgs(method, STORE_API_SIGNATURES[method], args);
  } catch (e) {
    if (hasErrorCode(e) && e.code === 'BAD_REQUEST') return e.message;
    throw e;
  }
  throw new Error(`${method}: ${JSON.stringify(args)} was accepted`);
}

describe('the operation table', () => {
  it('names every parameter of every entry, once', () => {
    for (const method of PLAIN_METHODS) {
      const sig = STORE_API_SIGNATURES[method];
      expect(sig.names, method).toHaveLength(sig.args.def.items.length);
      expect(new Set(sig.names).size, method).toBe(sig.names.length);
    }
  });

  it('holds the plain methods only; the special ones are the IPC contract’s', () => {
    expect(PLAIN_METHODS.filter((m) => (SPECIAL_METHODS as readonly string[]).includes(m))).toEqual([]);
    expect(PLAIN_METHODS).toHaveLength(23);
    expect(Object.keys(STORE_API_SIGNATURES)).toEqual([...PLAIN_METHODS]);
  });

  it('builds a signature from named parameters in order', () => {
    const sig = signature(['a', z.string()], ['b', z.number().optional()]);
    expect(sig.names).toEqual(['a', 'b']);
    expect(sig.args.parse(['x'])).toEqual(['x']);
    expect(sig.args.safeParse([1]).success).toBe(false);
  });
});

describe('the option schemas', () => {
  const objects = Object.entries(options as Record<string, unknown>).filter(
    (e): e is [string, z.ZodObject] => e[1] instanceof z.ZodObject,
  );

  it('are all strict: an unknown field is refused, never dropped', () => {
    expect(objects.map(([name]) => name).sort()).toEqual([
      'appendOptionsSchema',
      'appendRequestSchema',
      'compareWithRequestSchema',
      'connectServerRequestSchema',
      'connectionPatchSchema',
      'diffParamsSchema',
      'eventInputSchema',
      'exportSurfaceRequestSchema',
      'invalidateOptionsSchema',
      'listTxnsOptionsSchema',
      'openFileRequestSchema',
      'previewInvalidationOptionsSchema',
      'readEventsOptionsSchema',
      'repairParamsSchema',
      'republishOptionsSchema',
      'settingsPatchSchema',
      'surfaceOptionsSchema',
      'timelineOptionsSchema',
      'verifyRequestSchema',
    ]);
    for (const [name, schema] of objects) {
      expect(schema.def.catchall?._zod.def.type, name).toBe('never');
    }
  });

  it('list exactly their fields in the key lists the HTTP clients serialise', () => {
    const lists: Array<[readonly string[], z.ZodObject]> = [
      [options.READ_EVENTS_OPTION_KEYS, options.readEventsOptionsSchema],
      [options.LIST_TXNS_OPTION_KEYS, options.listTxnsOptionsSchema],
      [options.SURFACE_OPTION_KEYS, options.surfaceOptionsSchema],
      [options.PREVIEW_INVALIDATION_OPTION_KEYS, options.previewInvalidationOptionsSchema],
      [options.EXPORT_SURFACE_REQUEST_KEYS, options.exportSurfaceRequestSchema],
      [options.TIMELINE_OPTION_KEYS, options.timelineOptionsSchema],
    ];
    for (const [keys, schema] of lists) expect(keys).toEqual(Object.keys(schema.shape));
    expect(options.READ_EVENTS_OPTION_KEYS).toEqual(['after', 'before', 'limit', 'order', 'key', 'txn']);
    expect(options.SURFACE_OPTION_KEYS).toEqual(['after', 'limit', 'prefix', 'view', 'asOfTxn']);
  });
});

describe('parseArgs', () => {
  it('returns a valid argument list as it came, every field kept', () => {
    const opts = { after: 1, before: 9, limit: 5, order: 'desc', key: 'k', txn: 2 } as const;
    expect(parseArgs('readEvents', STORE_API_SIGNATURES.readEvents, ['t', opts])).toEqual(['t', opts]);
    expect(parseArgs('readEvents', STORE_API_SIGNATURES.readEvents, ['t'])).toEqual(['t']);
    expect(parseArgs('readEvents', STORE_API_SIGNATURES.readEvents, ['t', undefined])).toEqual(['t', undefined]);
    const req = { events: [{ key: 'k', data: { a: [1, null] }, contentType: 'application/json' }], expectMaxSeq: 0 };
    expect(parseArgs('append', STORE_API_SIGNATURES.append, ['t', req])).toEqual(['t', req]);
  });

  it('names an unknown field, wherever it is', () => {
    expect(refusal('readEvents', ['t', { limit: 5, sql: 'drop table' }])).toBe('readEvents: opts.sql: unknown field');
    expect(refusal('append', ['t', { events: [{ key: 'k', data: 1, extra: true }] }])).toBe(
      'append: req.events.0.extra: unknown field',
    );
    expect(refusal('updateConnection', ['abc', { label: 'x', token: 's' }])).toBe(
      'updateConnection: patch.token: unknown field',
    );
  });

  it('names the parameter and field of a bad value', () => {
    expect(refusal('surface', ['t', { limit: 0 }])).toMatch(/^surface: opts\.limit: /);
    expect(refusal('getTxn', ['t', 0])).toMatch(/^getTxn: txn: /);
    expect(refusal('topicInfo', [42])).toMatch(/^topicInfo: topic: /);
    expect(refusal('invalidate', ['t', 1, ''])).toMatch(/^invalidate: reason: /);
    expect(refusal('append', ['t', { events: [{ key: 'k', data: new Date(0) }] }])).toMatch(
      /^append: req\.events\.0\.data: /,
    );
    expect(refusal('surface', ['t', { after: '' }])).toMatch(/^surface: opts\.after: /);
  });

  it('says what the operation takes when the count of arguments is wrong', () => {
    expect(refusal('topicInfo', [])).toBe('topicInfo: takes (topic), got 0 arguments');
    expect(refusal('previewInvalidate', ['t', 1, 5, 6])).toBe(
      'previewInvalidate: takes (topic, txn, limit?), got 4 arguments',
    );
    expect(refusal('listTopics', ['t'])).toBe('listTopics: takes (), got 1 argument');
    expect(refusal('topicInfo', { topic: 't' })).toBe('topicInfo: the arguments must be a list');
  });
});
