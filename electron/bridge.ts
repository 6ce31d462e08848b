/**
 * The StoreApi over IPC, as the preload exposes it (`window.tidemark`): each method becomes one
 * `invoke` of a contract channel, the `{ok, value | error}` envelope is unwrapped, and failures
 * are rethrown as a plain `{ name: 'TidemarkError', code, message }` object — plain on purpose,
 * because contextBridge copies only an Error's message, while a plain object keeps its `code`.
 * Subscriptions and long-operation progress arrive on push channels addressed by ids this bridge
 * picks; unsubscribing or aborting tells main. For a diff, a File the person picked or dropped is
 * sent as its path (so main streams it from disk); other Blobs are sent as bytes. The renderer can
 * never hand main a path of its own choosing: the bridge only accepts Blobs. Written against a
 * small transport interface so it runs in the tests without Electron.
 */
import type { ErrorBody } from '../src-core/model/errors';
import type {
  ApiError,
  DiffRequest,
  ExportSurfaceRequest,
  LongOperation,
  Progress,
  StoreApi,
} from '../src-core/model/store-api';
import type { StoredEvent } from '../src-core/model/types';
import type { Channel, IpcResult, PushChannel, PushMap, RequestOf, ResponseOf } from './ipc-contract';

export interface BridgeTransport {
  invoke(channel: Channel, payload: unknown): Promise<unknown>;
  /** Listens to a push channel; returns a function that stops listening. */
  on(channel: PushChannel, listener: (payload: unknown) => void): () => void;
  /** The file-system path behind a File the person picked or dropped; '' when there is none. */
  pathForFile(file: Blob): string;
}

export interface BridgeError extends ApiError {
  name: 'TidemarkError';
}

function bridgeError(e: ErrorBody): BridgeError {
  return { name: 'TidemarkError', code: e.code, message: e.message };
}

/**
 * Throws the plain coded object. contextBridge copies an Error's message but drops its other
 * properties, so an Error would arrive in the renderer without its `code`.
 */
function raise(e: ErrorBody): never {
  // eslint-disable-next-line @typescript-eslint/only-throw-error -- deliberate, see above
  throw bridgeError(e);
}

function isEnvelope(v: unknown): v is IpcResult<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { ok?: unknown }).ok === 'boolean';
}

/** Copies only the listed keys whose value is not undefined (the contract's schemas are strict). */
function pick<T extends object, K extends keyof T>(obj: T | undefined, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  if (!obj) return out;
  for (const k of keys) if (obj[k] !== undefined) out[k] = obj[k];
  return out;
}

/**
 * An AbortSignal does not survive contextBridge (it arrives as a plain object without methods), so
 * it is used only when it really is one (tests, or a future Electron); `onStart` is the way to
 * cancel across the bridge.
 */
function usableSignal(s: unknown): AbortSignal | undefined {
  if (typeof s !== 'object' || s === null) return undefined;
  const sig = s as Partial<AbortSignal>;
  return typeof sig.addEventListener === 'function' && typeof sig.aborted === 'boolean'
    ? (s as AbortSignal)
    : undefined;
}

export function createBridge(transport: BridgeTransport): StoreApi {
  const prefix = Math.random().toString(36).slice(2, 10);
  let counter = 0;
  const nextId = (): string => `${prefix}-${++counter}`;

  const call = async <C extends Channel>(channel: C, req: RequestOf<C>): Promise<ResponseOf<C>> => {
    const res = await transport.invoke(channel, req);
    if (!isEnvelope(res)) raise({ code: 'INTERNAL', message: `${channel}: malformed reply from main` });
    if (!res.ok) raise(res.error);
    return res.value as ResponseOf<C>;
  };

  // One listener per push channel, routing by id.
  const live = new Map<string, { onEvents: (e: StoredEvent[]) => void; onError?: (e: ApiError) => void }>();
  const progress = new Map<string, (p: Progress) => void>();
  let listening = false;
  const listen = (): void => {
    if (listening) return;
    listening = true;
    transport.on('live:events', (m) => {
      const msg = m as PushMap['live:events'];
      live.get(msg.subId)?.onEvents(msg.events);
    });
    transport.on('live:error', (m) => {
      const msg = m as PushMap['live:error'];
      live.get(msg.subId)?.onError?.(bridgeError(msg.error));
    });
    transport.on('op:progress', (m) => {
      const msg = m as PushMap['op:progress'];
      progress.get(msg.opId)?.(msg.progress);
    });
  };

  /** Runs a long operation: progress routed by id, abort -> the cancel channel. */
  const longOp = async <T>(
    op: LongOperation | undefined,
    cancelChannel: 'diff:cancel' | 'export:cancel',
    start: (opId: string) => Promise<T>,
  ): Promise<T> => {
    const signal = usableSignal(op?.signal);
    if (signal?.aborted) raise({ code: 'CANCELLED', message: 'cancelled before it started' });
    listen();
    const opId = nextId();
    const onProgress = op?.onProgress;
    if (onProgress) progress.set(opId, (p) => onProgress(p));
    // Both the signal (where it is a real one) and the function given to `onStart` cancel; the
    // renderer calls both, so send the cancel once.
    let cancelled = false;
    const onAbort = (): void => {
      if (cancelled) return;
      cancelled = true;
      void call(cancelChannel, { opId }).catch(() => undefined);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const onStart = op?.onStart;
    if (onStart) onStart(onAbort);
    try {
      return await start(opId);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      progress.delete(opId);
    }
  };

  const api: StoreApi = {
    capabilities: () => call('app:capabilities', undefined),
    currentConnection: () => call('conn:current', undefined),
    recentConnections: () => call('conn:recent', undefined),
    openFile: (req) => call('conn:openFile', pick(req, ['path', 'create', 'readOnly', 'color'] as const)),
    connectServer: (req) =>
      call('conn:connectServer', { url: req.url, ...pick(req, ['token', 'label', 'readOnly', 'color'] as const) }),
    reconnect: (id) => call('conn:reconnect', { id }),
    updateConnection: (id, patch) =>
      call('conn:update', { id, patch: pick(patch, ['label', 'readOnly', 'color'] as const) }),
    forgetConnection: async (id) => {
      await call('conn:forget', { id });
    },

    listTopics: () => call('topics:list', undefined),
    topicInfo: (topic) => call('topics:info', { topic }),
    readEvents: (topic, opts) =>
      call('events:read', { topic, opts: pick(opts, ['after', 'before', 'limit', 'order', 'key', 'txn'] as const) }),
    listTxns: (topic, opts) =>
      call('txns:list', { topic, opts: pick(opts, ['after', 'before', 'limit', 'order'] as const) }),
    getTxn: (topic, txn) => call('txn:get', { topic, txn }),
    surface: (topic, opts) =>
      call('surface:page', { topic, opts: pick(opts, ['after', 'limit', 'prefix', 'view', 'asOfTxn'] as const) }),
    append: (topic, req) =>
      call('events:append', {
        topic,
        req: {
          events: req.events.map((e) => ({ key: e.key, data: e.data, ...pick(e, ['contentType', 'hash'] as const) })),
          ...pick(req, ['expectMaxSeq'] as const),
        },
      }),
    previewInvalidate: (topic, txn, limit) =>
      call('txn:previewInvalidate', limit === undefined ? { topic, txn } : { topic, txn, limit }),
    invalidate: (topic, txn, reason) => call('txn:invalidate', { topic, txn, reason }),
    loadSampleData: () => call('sample:load', undefined),

    diff: (topic, req: DiffRequest, op) =>
      longOp(op, 'diff:cancel', async (opId) => {
        let path = '';
        try {
          path = transport.pathForFile(req.file);
        } catch {
          path = '';
        }
        const source =
          path !== ''
            ? ({ kind: 'path', path } as const)
            : ({ kind: 'bytes', bytes: new Uint8Array(await req.file.arrayBuffer()) } as const);
        return call('diff:run', {
          opId,
          topic,
          source,
          fileName: req.fileName,
          ...pick(req, ['format', 'keyField', 'fields', 'ignore', 'limit'] as const),
        });
      }),
    exportSurface: (topic, req: ExportSurfaceRequest, op) =>
      longOp(op, 'export:cancel', (opId) =>
        call('export:surface', {
          opId,
          topic,
          req: { format: req.format, ...pick(req, ['prefix', 'view', 'asOfTxn'] as const) },
        }),
      ),

    subscribe(topic, after, onEvents, onError) {
      listen();
      const subId = nextId();
      live.set(subId, onError ? { onEvents, onError } : { onEvents });
      call('live:subscribe', { subId, topic, after }).catch((e: unknown) => {
        live.delete(subId);
        onError?.(e as ApiError);
      });
      return () => {
        if (!live.delete(subId)) return;
        void call('live:unsubscribe', { subId }).catch(() => undefined);
      };
    },
  };
  return api;
}
