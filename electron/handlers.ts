/**
 * The IPC handlers, keyed by `StoreApi` method name like the contract's channels: each maps its
 * validated argument list onto the open EventStore (through the connection manager), onto the
 * store's services (`servicesFor`: preview an invalidation, preview and run a re-publish, load the
 * sample data), onto the app's settings (settings-store.ts: the writer name recorded as `by` on a
 * local file), onto the store's
 * own live tail (`EventStore.tail`) for subscriptions, and onto job workers for diff, repair and export. Writes are refused with FORBIDDEN
 * here when the connection is read-only or the server role is too low, whatever the UI shows. Live
 * subscriptions and long operations are keyed by (window, id) so windows cannot touch each other's;
 * they end when their window closes, and subscriptions end when the connection changes. Dialogs and
 * the job runner are injected so this module runs without Electron in the tests.
 */
import type { Operation } from '../src-core/model/access';
import { exportFileName } from '../src-core/export/names';
import { toErrorBody, TidemarkError } from '../src-core/model/errors';
import type { Capabilities } from '../src-core/model/store-api';
import { servicesFor } from '../src-core/services';
import { compareStores } from '../src-core/services/compare';
import { osUserName } from '../src-core/services/os-user';
import { SettingsStore } from './settings-store';
import type { ConnectionManager, StoreDescriptor } from './connections';
import type { HandlerContext, Handlers, SenderLike } from './ipc-handler';
import type { Job, JobRunner } from './jobs';
import { openDescriptor } from './store-open';

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
  /** The app's settings (the writer name); default: for this run only, the OS user name. */
  settings?: SettingsStore;
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
  const settings = deps.settings ?? new SettingsStore(null, osUserName);

  /**
   * Who this app records as `by`: on a local file the writer name of the settings (default the OS
   * user name: an embedded writer names itself); on a server nothing, since the server records the
   * name of the connection's token.
   */
  const localBy = (c: { info: { kind: string } }): { by?: string } => {
    if (c.info.kind !== 'sqlite') return {};
    const name = settings.writerName();
    return name === null ? {} : { by: name };
  };
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

  const cancel = (sender: SenderLike, opId: string): void => {
    ops.get(keyOf(sender, opId))?.abort();
  };

  const store = () => connections.requireStore().store;
  /** The open store if `op` may run on it (read-only flag and server role, model/access.ts). */
  const storeFor = (op: Operation, what: string) => connections.requireOp(op, what).store;

  const handlers: Handlers = {
    capabilities: () => ELECTRON_CAPABILITIES,
    currentConnection: () => connections.current()?.info ?? null,
    recentConnections: () => connections.recentConnections(),
    openFile: async ([req]) => {
      if (req.path !== undefined) return (await connections.openFile(req, { trusted: false })).info;
      const file = await dialogs.chooseStoreFile(req.create ?? false);
      if (file === null) return null;
      return (await connections.openFile({ ...req, path: file }, { trusted: true })).info;
    },
    connectServer: async ([req]) => (await connections.connectServer(req)).info,
    reconnect: async ([id]) => (await connections.reconnect(id)).info,
    updateConnection: ([id, patch]) => connections.update(id, patch),
    forgetConnection: ([id]) => connections.forget(id),

    listTopics: () => store().listTopics(),
    topicInfo: ([topic]) => store().topicInfo(topic),
    readEvents: ([topic, opts]) => store().readEvents(topic, opts),
    listTxns: ([topic, opts]) => store().listTxns(topic, opts),
    getTxn: ([topic, txn]) => store().getTxn(topic, txn),
    surface: ([topic, opts]) => store().surface(topic, opts),
    timeline: ([topic, opts]) => store().timeline(topic, opts),
    previewInvalidate: ([topic, txn, limit]) => servicesFor(store()).previewInvalidation(topic, txn, limit),

    append: ([topic, req, opts]) => {
      const c = connections.requireOp('txns.append', 'append');
      return c.store.append(topic, req.by === undefined ? { ...req, ...localBy(c) } : req, opts);
    },
    previewRepublish: ([topic, txn, limit]) => servicesFor(store()).previewRepublish(topic, txn, limit),
    republish: ([topic, txn, opts = {}]) => {
      const c = connections.requireOp('txns.republish', 're-publish');
      return servicesFor(c.store).republish(topic, txn, opts.by === undefined ? { ...opts, ...localBy(c) } : opts);
    },
    settings: () => settings.get(),
    updateSettings: ([patch]) => settings.update(patch),
    invalidate: ([topic, txn, reason]) => {
      const c = connections.requireOp('txns.invalidate', 'invalidate');
      return c.store.invalidate(topic, txn, reason, localBy(c));
    },
    loadSampleData: () => servicesFor(storeFor('sample.load', 'load sample data')).loadSample(),

    diff: ([topic, req, opId], ctx) => {
      const conn = connections.requireStore();
      return startJob(ctx, opId, conn.descriptor, { job: 'diff', topic, ...req });
    },
    'diff:cancel': ([opId], ctx) => cancel(ctx.sender, opId),
    repair: ([topic, req, opId], ctx) => {
      const c = connections.requireOp('repair', 'repair');
      return startJob(ctx, opId, c.descriptor, { job: 'repair', topic, ...req, ...localBy(c) });
    },
    'repair:cancel': ([opId], ctx) => cancel(ctx.sender, opId),
    exportSurface: async ([topic, req, opId], ctx) => {
      const conn = connections.requireStore();
      const file = await dialogs.chooseExportFile(exportFileName(topic, 'surface', req.format));
      if (file === null) return { savedAs: null, rows: 0 };
      const { rows } = await startJob(ctx, opId, conn.descriptor, { job: 'export', topic, req, file });
      return { savedAs: file, rows };
    },
    'exportSurface:cancel': ([opId], ctx) => cancel(ctx.sender, opId),
    // Compare: a few reads per topic (bisection over chains), so it runs here rather than in a job
    // worker; the other connection is opened beside the current one (a file read-only) and closed after.
    compareWith: ([req, opId], ctx) => {
      const from = connections.requireStore().store;
      const desc = connections.descriptorFor(req.connectionId);
      return runOp(ctx.sender, opId, async (signal) => {
        const to = openDescriptor(desc, { readonly: true });
        try {
          return await compareStores(from, to, {
            ...(req.topic !== undefined ? { topics: [req.topic] } : {}),
            signal,
            onProgress: (progress) => ctx.push('op:progress', { opId, progress }),
          });
        } finally {
          await to.close();
        }
      });
    },
    'compareWith:cancel': ([opId], ctx) => cancel(ctx.sender, opId),
    // --- verify (issue 13): in a job worker, so main's event loop is never held ---
    verify: ([topic, req, opId], ctx) => {
      const conn = connections.requireOp('topics.verify', 'verify');
      return startJob(ctx, opId, conn.descriptor, { job: 'verify', topic, req });
    },
    'verify:cancel': ([opId], ctx) => cancel(ctx.sender, opId),
    // --- end verify ---

    subscribe: ([topic, after, subId], ctx) => {
      const tailing = store();
      const key = keyOf(ctx.sender, subId);
      if (subs.has(key)) throw new TidemarkError('CONFLICT', `subscription ${subId} already exists`);
      watch(ctx.sender);
      const stop = tailing.tail(topic, after, (events) => ctx.push('subscribe:events', { subId, events }), {
        ...(deps.tailPollMs !== undefined ? { pollMs: deps.tailPollMs } : {}),
        onError: (err) => ctx.push('subscribe:error', { subId, error: toErrorBody(err) }),
      });
      subs.set(key, {
        stop,
        notify: (message) => ctx.push('subscribe:error', { subId, error: { code: 'CANCELLED', message } }),
      });
    },
    'subscribe:stop': ([subId], ctx) => {
      const key = keyOf(ctx.sender, subId);
      subs.get(key)?.stop();
      subs.delete(key);
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
