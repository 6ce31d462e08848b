/**
 * The IPC handlers: every channel of the contract mapped onto the open EventStore (through the
 * connection manager) and the engine helpers — previewInvalidation, loadSampleData, tailTopic for
 * live subscriptions — and onto job workers for diff and export. Writes are refused with FORBIDDEN
 * here when the connection is read-only or the server role is too low, whatever the UI shows. Live
 * subscriptions and long operations are keyed by (window, id) so windows cannot touch each other's;
 * they end when their window closes, and subscriptions end when the connection changes. Dialogs and
 * the job runner are injected so this module runs without Electron in the tests.
 */
import { exportFileName } from '../src-core/export/names';
import { toErrorBody, TidemarkError } from '../src-core/model/errors';
import type { Capabilities } from '../src-core/model/store-api';
import { previewInvalidation } from '../src-core/store/preview';
import { loadSampleData } from '../src-core/store/sample';
import { tailTopic } from '../src-core/store/tail';
import type { ConnectionManager, StoreDescriptor } from './connections';
import type { HandlerContext, Handlers, SenderLike } from './ipc-handler';
import type { Job, JobRunner } from './jobs';

export interface Dialogs {
  /** A native open (or save, for `create`) dialog for a store file; null when cancelled. */
  chooseStoreFile(create: boolean): Promise<string | null>;
  /** A native save dialog for an export; null when cancelled. */
  chooseExportFile(defaultName: string): Promise<string | null>;
}

export interface HandlerDeps {
  connections: ConnectionManager;
  jobs: Pick<JobRunner, 'run'>;
  dialogs: Dialogs;
  /** Fallback poll interval of live tails (ms). */
  tailPollMs?: number;
}

export const ELECTRON_CAPABILITIES: Capabilities = { mode: 'electron', canOpenFiles: true, canConnect: true };

export interface HandlerSet {
  handlers: Handlers;
  /** Live subscriptions now running (for tests and diagnostics). */
  liveCount(): number;
  /** Stops every subscription and cancels every operation (app quit). */
  dispose(): void;
}

export function createHandlers(deps: HandlerDeps): HandlerSet {
  const { connections, jobs, dialogs } = deps;
  const subs = new Map<string, { stop: () => void; notify: (message: string) => void }>();
  const ops = new Map<string, AbortController>();
  const watched = new Set<number>();

  const keyOf = (sender: SenderLike, id: string): string => `${sender.id}:${id}`;

  /** Stops the subscriptions and aborts the operations whose key starts with `prefix` ('' = all). */
  const endWhere = (prefix: string): void => {
    for (const [k, s] of subs) {
      if (!k.startsWith(prefix)) continue;
      s.stop();
      subs.delete(k);
    }
    for (const [k, c] of ops) {
      if (!k.startsWith(prefix)) continue;
      c.abort();
      ops.delete(k);
    }
  };

  /** Ends everything a window started when it goes away. */
  const watch = (sender: SenderLike): void => {
    if (watched.has(sender.id)) return;
    watched.add(sender.id);
    sender.once('destroyed', () => {
      watched.delete(sender.id);
      endWhere(`${sender.id}:`);
    });
  };

  connections.onChange((_current, { storeChanged }) => {
    if (!storeChanged) return;
    for (const [k, s] of subs) {
      s.stop();
      s.notify('the connection changed; subscribe again');
      subs.delete(k);
    }
  });

  const runOp = async <T>(sender: SenderLike, opId: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> => {
    const key = keyOf(sender, opId);
    if (ops.has(key)) throw new TidemarkError('CONFLICT', `operation ${opId} is already running`);
    const controller = new AbortController();
    ops.set(key, controller);
    watch(sender);
    try {
      return await fn(controller.signal);
    } finally {
      ops.delete(key);
    }
  };

  /** Runs a job in a worker for the calling window, its progress pushed as `op:progress`. */
  const startJob = <J extends Job>(ctx: HandlerContext, opId: string, desc: StoreDescriptor, job: J) =>
    runOp(ctx.sender, opId, (signal) =>
      jobs.run(desc, job, { signal, onProgress: (progress) => ctx.push('op:progress', { opId, progress }) }),
    );

  const cancel = (sender: SenderLike, opId: string): null => {
    ops.get(keyOf(sender, opId))?.abort();
    return null;
  };

  const handlers: Handlers = {
    'app:capabilities': () => ELECTRON_CAPABILITIES,
    'conn:current': () => connections.current()?.info ?? null,
    'conn:recent': () => connections.recentConnections(),
    'conn:openFile': async (req) => {
      if (req.path !== undefined) return (await connections.openFile(req, { trusted: false })).info;
      const file = await dialogs.chooseStoreFile(req.create ?? false);
      if (file === null) return null;
      return (await connections.openFile({ ...req, path: file }, { trusted: true })).info;
    },
    'conn:connectServer': async (req) => (await connections.connectServer(req)).info,
    'conn:reconnect': async ({ id }) => (await connections.reconnect(id)).info,
    'conn:update': ({ id, patch }) => connections.update(id, patch),
    'conn:forget': ({ id }) => {
      connections.forget(id);
      return null;
    },

    'topics:list': () => connections.requireStore().store.listTopics(),
    'topics:info': ({ topic }) => connections.requireStore().store.topicInfo(topic),
    'events:read': ({ topic, opts }) => connections.requireStore().store.readEvents(topic, opts),
    'txns:list': ({ topic, opts }) => connections.requireStore().store.listTxns(topic, opts),
    'txn:get': ({ topic, txn }) => connections.requireStore().store.getTxn(topic, txn),
    'surface:page': ({ topic, opts }) => connections.requireStore().store.surface(topic, opts),
    'txn:previewInvalidate': ({ topic, txn, limit }) =>
      previewInvalidation(connections.requireStore().store, topic, txn, limit),

    'events:append': ({ topic, req }) => connections.requireOp('txns.append', 'append').store.append(topic, req),
    'txn:invalidate': ({ topic, txn, reason }) =>
      connections.requireOp('txns.invalidate', 'invalidate').store.invalidate(topic, txn, reason),
    'sample:load': () => loadSampleData(connections.requireOp('sample.load', 'load sample data').store),

    'diff:run': (req, ctx) => {
      const conn = connections.requireStore();
      const { opId, ...job } = req;
      return startJob(ctx, opId, conn.descriptor, { job: 'diff', ...job });
    },
    'diff:cancel': ({ opId }, ctx) => cancel(ctx.sender, opId),
    'export:surface': async ({ opId, topic, req }, ctx) => {
      const conn = connections.requireStore();
      const file = await dialogs.chooseExportFile(exportFileName(topic, 'surface', req.format));
      if (file === null) return { savedAs: null, rows: 0 };
      const { rows } = await startJob(ctx, opId, conn.descriptor, { job: 'export', topic, req, file });
      return { savedAs: file, rows };
    },
    'export:cancel': ({ opId }, ctx) => cancel(ctx.sender, opId),

    'live:subscribe': ({ subId, topic, after }, ctx) => {
      const store = connections.requireStore().store;
      const key = keyOf(ctx.sender, subId);
      if (subs.has(key)) throw new TidemarkError('CONFLICT', `subscription ${subId} already exists`);
      watch(ctx.sender);
      const stop = tailTopic(store, topic, after, (events) => ctx.push('live:events', { subId, events }), {
        ...(deps.tailPollMs !== undefined ? { pollMs: deps.tailPollMs } : {}),
        onError: (err) => ctx.push('live:error', { subId, error: toErrorBody(err) }),
      });
      subs.set(key, {
        stop,
        notify: (message) => ctx.push('live:error', { subId, error: { code: 'CANCELLED', message } }),
      });
      return null;
    },
    'live:unsubscribe': ({ subId }, ctx) => {
      const key = keyOf(ctx.sender, subId);
      subs.get(key)?.stop();
      subs.delete(key);
      return null;
    },
  };

  return {
    handlers,
    liveCount: () => subs.size,
    dispose() {
      endWhere('');
    },
  };
}
