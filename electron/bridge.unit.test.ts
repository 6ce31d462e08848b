/**
 * The generic bridge and the contract, end to end without Electron: the preload's `StoreApi`
 * (bridge.ts) over the real wrapper (ipc-handler.ts) on an in-memory ipcMain, with handlers that
 * record what they receive. Every declared field of every operation is exercised (a test checks the
 * examples against the schemas, so a field added to a schema fails here until it is shown to pass
 * through) and arrives in main exactly as the renderer sent it; an unknown field is refused with a
 * message naming it instead of being dropped; the bridge, the channels and the operation table
 * name the same methods.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PLAIN_METHODS, SPECIAL_METHODS, STORE_API_SIGNATURES, type PlainMethod } from '../src-core/model/signatures';
import type { DiffRequest, RepairRequest, StoreApi } from '../src-core/model/store-api';
import { MemoryIpc, eventFrom, appUrl, rendererDir } from '../test/electron/ipc-doubles';
import { createBridge } from './bridge';
import { CHANNELS, CONTRACT, type Channel } from './ipc-contract';
import { registerHandlers, type Handlers } from './ipc-handler';

/** Where `value` leaves a declared field (or list, or parameter) of `schema` out. */
function unexercised(schema: z.core.$ZodType, value: unknown, path: string): string[] {
  if (schema instanceof z.ZodOptional) return value === undefined ? [path] : unexercised(schema.unwrap(), value, path);
  if (schema instanceof z.ZodNullable) return value === null ? [] : unexercised(schema.unwrap(), value, path);
  if (value === undefined) return [path];
  if (schema instanceof z.ZodObject) {
    const obj = value as Record<string, unknown>;
    return Object.entries(schema.shape).flatMap(([k, f]) => unexercised(f as z.ZodType, obj[k], `${path}.${k}`));
  }
  if (schema instanceof z.ZodArray) {
    const items = value as unknown[];
    if (items.length === 0) return [`${path}[]`];
    return items.flatMap((v, i) => unexercised(schema.element as z.ZodType, v, `${path}.${i}`));
  }
  if (schema instanceof z.ZodTuple) {
    const items = value as unknown[];
    return schema.def.items.flatMap((s, i) => unexercised(s, items[i], `${path}.${i}`));
  }
  return [];
}

/** Every plain method called with every field it declares. */
const FULL: { [M in PlainMethod]: Parameters<StoreApi[M]> } = {
  capabilities: [],
  currentConnection: [],
  recentConnections: [],
  openFile: [{ path: '/data/x.db', create: true, readOnly: true, color: '#abc' }],
  connectServer: [{ url: 'http://h:1', token: 'tok', label: 'l', readOnly: false, color: null }],
  reconnect: ['c1'],
  updateConnection: ['c1', { label: 'l', readOnly: true, color: 'teal' }],
  forgetConnection: ['c1'],
  listTopics: [],
  topicInfo: ['t'],
  readEvents: ['t', { after: 1, before: 9, limit: 5, order: 'desc', key: 'k', txn: 2 }],
  listTxns: ['t', { after: 1, before: 9, limit: 5, order: 'asc', by: 'ana' }],
  getTxn: ['t', 3],
  surface: ['t', { after: 'a', limit: 5, prefix: 'p', view: 'raw', asOfTxn: 4 }],
  timeline: ['t', { buckets: 50, from: '2026-01-01T00:00:00.000Z', to: '2026-01-02T00:00:00.000Z' }],
  append: [
    't',
    {
      events: [{ key: 'k', data: { a: [1, null] }, contentType: 'text/x', hash: 'h' }],
      expectMaxSeq: 0,
      meta: { note: 'n' },
      by: 'ana',
    },
    { dryRun: true },
  ],
  previewInvalidate: ['t', 2, 7],
  invalidate: ['t', 2, 'why'],
  previewRepublish: ['t', 2, 7],
  republish: ['t', 2, { note: 'n', by: 'ana', expectMaxSeq: 9 }],
  loadSampleData: [],
  settings: [],
  updateSettings: [{ by: 'ana' }],
};

function setup() {
  const received = new Map<Channel, unknown[]>();
  const record = (channel: Channel) => (args: unknown[]) => {
    received.set(channel, args);
    return channel === 'exportSurface' ? { savedAs: null, rows: 0 } : null;
  };
  const handlers = Object.fromEntries(CHANNELS.map((c) => [c, record(c)])) as unknown as Handlers;
  const ipc = new MemoryIpc();
  registerHandlers(ipc, handlers, { origin: { kind: 'file', rendererDir }, isOurWindow: (id) => id === 1 });
  const api = createBridge({
    // Electron's IPC structured-clones each argument.
    invoke: (channel, args) => ipc.invoke(channel, eventFrom(appUrl), ...structuredClone(args)),
    on: () => () => undefined,
    pathForFile: () => '',
  });
  return { api, received };
}

type AnyMethod = (...args: unknown[]) => Promise<unknown>;

describe('the bridge over the contract', () => {
  it('has examples that exercise every declared field', () => {
    for (const m of PLAIN_METHODS) expect(unexercised(STORE_API_SIGNATURES[m].args, FULL[m], m)).toEqual([]);
  });

  it('hands every plain method’s arguments to main as they were given', async () => {
    const { api, received } = setup();
    for (const m of PLAIN_METHODS) {
      await (api[m] as AnyMethod)(...FULL[m]);
      expect(received.get(m), m).toEqual(FULL[m]);
    }
  });

  it('hands every field of a diff, a repair, an export, a comparison and a subscription to main', async () => {
    const { api, received } = setup();
    const params: Omit<DiffRequest, 'file'> = {
      fileName: 'f.csv',
      format: 'csv',
      keyField: 'id',
      fields: ['a'],
      ignore: ['b'],
      limit: 3,
      asOfTxn: 2,
      map: { amt: 'amount' },
      tolerance: { amount: 0.01 },
      normalise: ['trim', 'case'],
    };
    const { asOfTxn: _asOf, ...diffOfRepair } = params;
    const repairParams: Omit<RepairRequest, 'file'> = {
      ...diffOfRepair,
      include: ['different', 'missingInSnapshot'],
      reason: 'upstream is right',
      dryRun: true,
      expectMaxSeq: 7,
      keys: ['k1', 'k,2'],
    };
    const bytes = { kind: 'bytes', bytes: new TextEncoder().encode('key\n') };
    for (const [method, p] of [
      ['diff', params],
      ['repair', repairParams],
    ] as const) {
      await (api[method] as AnyMethod)('t', { file: new Blob(['key\n']), ...p });
      const [topic, req, opId] = received.get(method)!;
      expect([topic, req], method).toEqual(['t', { ...p, source: bytes }]);
      expect(unexercised(CONTRACT[method].args, [topic, req, opId], method)).toEqual([]);
    }

    const exp = { format: 'csv', prefix: 'p', view: 'raw', asOfTxn: 1 } as const;
    await api.exportSurface('t', exp);
    expect(received.get('exportSurface')!.slice(0, 2)).toEqual(['t', exp]);
    expect(unexercised(CONTRACT.exportSurface.args, received.get('exportSurface'), 'exportSurface')).toEqual([]);

    const cmp = { connectionId: 'conn-2', topic: 't' };
    await api.compareWith(cmp);
    expect(received.get('compareWith')![0]).toEqual(cmp);
    expect(unexercised(CONTRACT.compareWith.args, received.get('compareWith'), 'compareWith')).toEqual([]);
    const anchor = { expectHead: 'ab'.repeat(32) };
    await api.verify('t', anchor);
    expect(received.get('verify')!.slice(0, 2)).toEqual(['t', anchor]);
    expect(unexercised(CONTRACT.verify.args, received.get('verify'), 'verify')).toEqual([]);

    api.subscribe('t', 5, () => undefined);
    await new Promise((r) => setImmediate(r));
    expect(received.get('subscribe')!.slice(0, 2)).toEqual(['t', 5]);
  });

  it('refuses an unknown field in main, naming it, instead of dropping it', async () => {
    const { api, received } = setup();
    await expect(api.readEvents('t', { limit: 5, bogus: 1 } as never)).rejects.toEqual({
      name: 'TidemarkError',
      code: 'BAD_REQUEST',
      message: 'readEvents: opts.bogus: unknown field',
    });
    await expect(api.exportSurface('t', { format: 'csv', after: 'a' } as never)).rejects.toMatchObject({
      message: 'exportSurface: req.after: unknown field',
    });
    await expect(api.verify('t', { expectHead: 'AB'.repeat(32) })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('req.expectHead') as string,
    });
    await expect(api.verify('t', { expectHead: 'ab'.repeat(32), x: 1 } as never)).rejects.toMatchObject({
      message: 'verify: req.x: unknown field',
    });
    await expect(api.diff('t', { file: new Blob([]), fileName: 'f', source: 'x' } as never)).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: 'diff: req.source: unknown field',
    });
    await expect(api.diff('t', { file: new Blob([]), fileName: 'f', bogus: 1 } as never)).rejects.toMatchObject({
      message: 'diff: req.bogus: unknown field',
    });
    await expect(
      api.repair('t', { file: new Blob([]), fileName: 'f', reason: 'r', asOfTxn: 1 } as never),
    ).rejects.toMatchObject({ message: 'repair: req.asOfTxn: unknown field' });
    await expect(
      api.repair('t', { file: new Blob([]), fileName: 'f', reason: 'r', source: 'x' } as never),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST', message: 'repair: req.source: unknown field' });
    await expect(api.compareWith({ connectionId: 'c', url: 'http://elsewhere' } as never)).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: 'compareWith: req.url: unknown field',
    });
    expect(received.size).toBe(0);
  });

  it('names the same methods in the bridge, the channels and the operation table', () => {
    const { api } = setup();
    const methods = [...PLAIN_METHODS, ...SPECIAL_METHODS].sort();
    expect(Object.keys(api).sort()).toEqual(methods);
    expect(CHANNELS.filter((c) => !c.includes(':')).sort()).toEqual(methods);
    expect(CHANNELS.filter((c) => c.includes(':')).sort()).toEqual([
      'compareWith:cancel',
      'diff:cancel',
      'exportSurface:cancel',
      'repair:cancel',
      'subscribe:stop',
      'verify:cancel',
    ]);
  });
});
