import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TidemarkError } from '../src-core/model/errors';
import type { IpcResult } from './ipc-contract';
import { CHANNELS } from './ipc-contract';
import {
  registerHandlers,
  type Handlers,
  type InvokeEventLike,
  type IpcMainLike,
  type SenderLike,
  type TrustPolicy,
} from './ipc-handler';

const rendererDir = path.resolve('/opt/tidemark/dist/renderer');
const appUrl = pathToFileURL(path.join(rendererDir, 'index.html')).href;

class FakeSender implements SenderLike {
  sent: Array<[string, unknown]> = [];
  constructor(readonly id: number) {}
  send(channel: string, payload: unknown): void {
    this.sent.push([channel, payload]);
  }
  isDestroyed(): boolean {
    return false;
  }
  once(): this {
    return this;
  }
}

/** An in-memory ipcMain: records listeners and lets the test invoke them like a renderer would. */
class MemoryIpc implements IpcMainLike {
  listeners = new Map<string, (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>>();
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>): void {
    if (this.listeners.has(channel)) throw new Error(`second handler for ${channel}`);
    this.listeners.set(channel, listener);
  }
  async invoke(channel: string, event: InvokeEventLike, ...args: unknown[]): Promise<IpcResult<unknown>> {
    const l = this.listeners.get(channel);
    if (!l) throw new Error(`no handler for ${channel}`);
    return (await l(event, ...args)) as IpcResult<unknown>;
  }
}

function errorOf(res: IpcResult<unknown>): { code: string; message: string } {
  if (res.ok) throw new Error(`expected an error envelope, got ${JSON.stringify(res)}`);
  return res.error;
}

function eventFrom(url: string, senderId = 1, parent: unknown = null): InvokeEventLike {
  return { sender: new FakeSender(senderId), senderFrame: { url, parent } };
}

function setup(overrides: Partial<Handlers> = {}) {
  const calls: unknown[] = [];
  const unexpected = (): never => {
    throw new Error('not used in this test');
  };
  const base = Object.fromEntries(CHANNELS.map((c) => [c, unexpected])) as unknown as Handlers;
  const handlers: Handlers = {
    ...base,
    'topics:info': (req) => {
      calls.push(req);
      return {
        topic: req.topic,
        events: 3,
        keys: 2,
        maxSeq: 3,
        maxTxn: 1,
        invalidTxns: 0,
        lastTime: '2026-11-26T05:00:00.000Z',
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
    const res = await ipc.invoke('topics:info', eventFrom(appUrl), { topic: 'trades' });
    expect(res).toMatchObject({ ok: true, value: { topic: 'trades', keys: 2 } });
    expect(calls).toEqual([{ topic: 'trades' }]);
  });

  it('refuses a frame whose URL is outside the renderer directory, without calling the handler', async () => {
    const { ipc, calls } = setup();
    const res = await ipc.invoke('topics:info', eventFrom('file:///etc/passwd'), { topic: 'trades' });
    expect(errorOf(res).code).toBe('FORBIDDEN');
    expect(errorOf(res).message).toMatch(/not the Tidemark app/);
    const remote = await ipc.invoke('topics:info', eventFrom('https://evil.example/index.html'), { topic: 'trades' });
    expect(remote.ok).toBe(false);
    expect(calls).toEqual([]);
  });

  it('refuses a webContents that is not one of our windows, and subframes', async () => {
    const { ipc, calls } = setup();
    const foreign = await ipc.invoke('topics:info', eventFrom(appUrl, 7), { topic: 'trades' });
    expect(foreign).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const sub = await ipc.invoke('topics:info', eventFrom(appUrl, 1, { url: appUrl }), { topic: 'trades' });
    expect(errorOf(sub).code).toBe('FORBIDDEN');
    expect(errorOf(sub).message).toMatch(/top frame/);
    const gone: InvokeEventLike = { sender: new FakeSender(1), senderFrame: null };
    expect(await ipc.invoke('topics:info', gone, { topic: 'trades' })).toMatchObject({ ok: false });
    expect(calls).toEqual([]);
  });

  it('rejects bad payloads with BAD_REQUEST naming the field', async () => {
    const { ipc, calls } = setup();
    const wrongType = await ipc.invoke('topics:info', eventFrom(appUrl), { topic: 42 });
    expect(errorOf(wrongType).code).toBe('BAD_REQUEST');
    expect(errorOf(wrongType).message).toMatch(/^topics:info: topic:/);
    const extra = await ipc.invoke('topics:info', eventFrom(appUrl), { topic: 'a', sql: 'drop table' });
    expect(extra).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    const missing = await ipc.invoke('topics:info', eventFrom(appUrl));
    expect(missing).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    const twoArgs = await ipc.invoke('topics:info', eventFrom(appUrl), { topic: 'a' }, { topic: 'b' });
    expect(twoArgs).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    const badLimit = await ipc.invoke('surface:page', eventFrom(appUrl), { topic: 'a', opts: { limit: 10_001 } });
    expect(errorOf(badLimit).code).toBe('BAD_REQUEST');
    expect(errorOf(badLimit).message).toMatch(/opts\.limit/);
    expect(calls).toEqual([]);
  });

  it('passes our error codes through and hides anything else as INTERNAL without a stack', async () => {
    const { ipc } = setup({
      'topics:info': () => {
        throw new TidemarkError('NOT_FOUND', 'topic "x" has no events');
      },
      'topics:list': () => {
        throw new Error('SQLITE_CORRUPT at /home/me/secret/path.db\n    at Database.prepare');
      },
    });
    expect(await ipc.invoke('topics:info', eventFrom(appUrl), { topic: 'x' })).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'topic "x" has no events' },
    });
    const internal = await ipc.invoke('topics:list', eventFrom(appUrl));
    expect(internal).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'internal error' } });
  });

  it('trusts the dev server origin only in dev mode', async () => {
    const devTrust: TrustPolicy = { origin: { kind: 'dev', url: 'http://localhost:5173/' }, isOurWindow: () => true };
    const ipc = new MemoryIpc();
    const base = Object.fromEntries(CHANNELS.map((c) => [c, () => null])) as unknown as Handlers;
    registerHandlers(ipc, { ...base, 'conn:current': () => null }, devTrust);
    expect(await ipc.invoke('conn:current', eventFrom('http://localhost:5173/#/topics'))).toEqual({
      ok: true,
      value: null,
    });
    expect(await ipc.invoke('conn:current', eventFrom('http://localhost:5174/'))).toMatchObject({ ok: false });
    expect(await ipc.invoke('conn:current', eventFrom(appUrl))).toMatchObject({ ok: false });
  });

  it('lets a handler push to the calling window', async () => {
    const sender = new FakeSender(1);
    const { ipc } = setup({
      'live:subscribe': (req, ctx) => {
        ctx.push('live:events', { subId: req.subId, events: [] });
        return null;
      },
    });
    const res = await ipc.invoke(
      'live:subscribe',
      { sender, senderFrame: { url: appUrl, parent: null } },
      {
        subId: 's1',
        topic: 't',
        after: 0,
      },
    );
    expect(res).toEqual({ ok: true, value: null });
    expect(sender.sent).toEqual([['live:events', { subId: 's1', events: [] }]]);
  });
});
