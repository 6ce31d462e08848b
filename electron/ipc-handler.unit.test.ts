import { describe, expect, it } from 'vitest';
import { TidemarkError } from '../src-core/model/errors';
import { FakeSender, MemoryIpc, appUrl, eventFrom, rendererDir } from '../test/electron/ipc-doubles';
import type { IpcResult } from './ipc-contract';
import { CHANNELS } from './ipc-contract';
import { registerHandlers, type Handlers, type InvokeEventLike, type TrustPolicy } from './ipc-handler';

function errorOf(res: IpcResult<unknown>): { code: string; message: string } {
  if (res.ok) throw new Error(`expected an error envelope, got ${JSON.stringify(res)}`);
  return res.error;
}

function setup(overrides: Partial<Handlers> = {}) {
  const calls: unknown[] = [];
  const unexpected = (): never => {
    throw new Error('not used in this test');
  };
  const base = Object.fromEntries(CHANNELS.map((c) => [c, unexpected])) as unknown as Handlers;
  const handlers: Handlers = {
    ...base,
    topicInfo: (args) => {
      calls.push(args);
      return {
        topic: args[0],
        events: 3,
        keys: 2,
        maxSeq: 3,
        maxTxn: 1,
        invalidTxns: 0,
        lastTime: '2026-11-26T05:00:00.000Z',
        head: null,
      };
    },
    ...overrides,
  };
  const trust: TrustPolicy = { origin: { kind: 'file', rendererDir }, isOurWindow: (id) => id === 1 };
  const ipc = new MemoryIpc();
  registerHandlers(ipc, handlers, trust);
  return { ipc, calls };
}

describe('registerHandlers', () => {
  it('registers every channel of the contract exactly once', () => {
    const { ipc } = setup();
    expect([...ipc.listeners.keys()].sort()).toEqual([...CHANNELS].sort());
  });

  it('returns the value in an ok envelope for a trusted sender and a valid payload', async () => {
    const { ipc, calls } = setup();
    const res = await ipc.invoke('topicInfo', eventFrom(appUrl), 'trades');
    expect(res).toMatchObject({ ok: true, value: { topic: 'trades', keys: 2 } });
    expect(calls).toEqual([['trades']]);
  });

  it('refuses a frame whose URL is outside the renderer directory, without calling the handler', async () => {
    const { ipc, calls } = setup();
    const res = await ipc.invoke('topicInfo', eventFrom('file:///etc/passwd'), 'trades');
    expect(errorOf(res).code).toBe('FORBIDDEN');
    expect(errorOf(res).message).toMatch(/not the Tidemark app/);
    const remote = await ipc.invoke('topicInfo', eventFrom('https://evil.example/index.html'), 'trades');
    expect(remote.ok).toBe(false);
    expect(calls).toEqual([]);
  });

  it('refuses a webContents that is not one of our windows, and subframes', async () => {
    const { ipc, calls } = setup();
    const foreign = await ipc.invoke('topicInfo', eventFrom(appUrl, 7), 'trades');
    expect(foreign).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const sub = await ipc.invoke('topicInfo', eventFrom(appUrl, 1, { url: appUrl }), 'trades');
    expect(errorOf(sub).code).toBe('FORBIDDEN');
    expect(errorOf(sub).message).toMatch(/top frame/);
    const gone: InvokeEventLike = { sender: new FakeSender(1), senderFrame: null };
    expect(await ipc.invoke('topicInfo', gone, 'trades')).toMatchObject({ ok: false });
    expect(calls).toEqual([]);
  });

  it('rejects bad payloads with BAD_REQUEST naming the field', async () => {
    const { ipc, calls } = setup();
    const wrongType = await ipc.invoke('topicInfo', eventFrom(appUrl), 42);
    expect(errorOf(wrongType).code).toBe('BAD_REQUEST');
    expect(errorOf(wrongType).message).toMatch(/^topicInfo: topic:/);
    const extra = await ipc.invoke('readEvents', eventFrom(appUrl), 'a', { limit: 5, sql: 'drop table' });
    expect(extra).toEqual({
      ok: false,
      error: { code: 'BAD_REQUEST', message: 'readEvents: opts.sql: unknown field' },
    });
    const missing = await ipc.invoke('topicInfo', eventFrom(appUrl));
    expect(missing).toEqual({
      ok: false,
      error: { code: 'BAD_REQUEST', message: 'topicInfo: takes (topic), got 0 arguments' },
    });
    const twoArgs = await ipc.invoke('topicInfo', eventFrom(appUrl), 'a', 'b');
    expect(errorOf(twoArgs)).toEqual({ code: 'BAD_REQUEST', message: 'topicInfo: takes (topic), got 2 arguments' });
    const badLimit = await ipc.invoke('surface', eventFrom(appUrl), 'a', { limit: 10_001 });
    expect(errorOf(badLimit).code).toBe('BAD_REQUEST');
    expect(errorOf(badLimit).message).toMatch(/opts\.limit/);
    expect(calls).toEqual([]);
  });

  it('passes our error codes through and hides anything else as INTERNAL without a stack', async () => {
    const { ipc } = setup({
      topicInfo: () => {
        throw new TidemarkError('NOT_FOUND', 'topic "x" has no events');
      },
      listTopics: () => {
        throw new Error('SQLITE_CORRUPT at /home/me/secret/path.db\n    at Database.prepare');
      },
    });
    expect(await ipc.invoke('topicInfo', eventFrom(appUrl), 'x')).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'topic "x" has no events' },
    });
    const internal = await ipc.invoke('listTopics', eventFrom(appUrl));
    expect(internal).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'internal error' } });
  });

  it('trusts the dev server origin only in dev mode', async () => {
    const devTrust: TrustPolicy = { origin: { kind: 'dev', url: 'http://localhost:5173/' }, isOurWindow: () => true };
    const ipc = new MemoryIpc();
    const base = Object.fromEntries(CHANNELS.map((c) => [c, () => null])) as unknown as Handlers;
    registerHandlers(ipc, { ...base, currentConnection: () => null }, devTrust);
    expect(await ipc.invoke('currentConnection', eventFrom('http://localhost:5173/#/topics'))).toEqual({
      ok: true,
      value: null,
    });
    expect(await ipc.invoke('currentConnection', eventFrom('http://localhost:5174/'))).toMatchObject({ ok: false });
    expect(await ipc.invoke('currentConnection', eventFrom(appUrl))).toMatchObject({ ok: false });
  });

  it('lets a handler push to the calling window', async () => {
    const sender = new FakeSender(1);
    const { ipc } = setup({
      subscribe: ([, , subId], ctx) => {
        ctx.push('subscribe:events', { subId, events: [] });
      },
    });
    const res = await ipc.invoke('subscribe', { sender, senderFrame: { url: appUrl, parent: null } }, 't', 0, 's1');
    expect(res).toEqual({ ok: true, value: undefined });
    expect(sender.sent).toEqual([['subscribe:events', { subId: 's1', events: [] }]]);
  });
});
