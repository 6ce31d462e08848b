/**
 * The StoreApi over IPC, as the preload exposes it (`window.tidemark`): every plain method is one
 * loop over the operation table's method names, each an `invoke` of the channel of that name with
 * the call's arguments as they are (main validates them; nothing is picked, dropped or renamed
 * here), the `{ok, value | error}` envelope is unwrapped, and failures
 * are rethrown as a plain `{ name: 'TidemarkError', code, message }` object — plain on purpose,
 * because contextBridge copies only an Error's message, while a plain object keeps its `code`.
 * Subscriptions and long-operation progress arrive on push channels addressed by ids this bridge
 * picks; unsubscribing or aborting tells main. For a diff or a repair, a File the person picked or dropped is
 * sent as its path (so main streams it from disk); other Blobs are sent as bytes. The renderer can
 * never hand main a path of its own choosing: the bridge only accepts Blobs. Written against a
 * small transport interface so it runs in the tests without Electron.
 */
import type { ErrorBody } from '../src-core/model/errors';
import { PLAIN_METHODS, type PlainMethod } from '../src-core/model/methods';
import type { ApiError, LongOperation, Progress, StoreApi } from '../src-core/model/store-api';
import type { StoredEvent } from '../src-core/model/types';
import type { ArgsOf, CancelChannel, Channel, IpcResult, PushChannel, PushMap, ResponseOf } from './ipc-contract';

export interface BridgeTransport {
  /** Invokes a channel with an argument list (each argument one `ipcRenderer.invoke` argument). */
  invoke(channel: Channel, args: readonly unknown[]): Promise<unknown>;
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

  const call = async <C extends Channel>(channel: C, args: ArgsOf<C>): Promise<ResponseOf<C>> => {
    const res = await transport.invoke(channel, args);
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
    transport.on('subscribe:events', (m) => {
      const msg = m as PushMap['subscribe:events'];
      live.get(msg.subId)?.onEvents(msg.events);
    });
    transport.on('subscribe:error', (m) => {
      const msg = m as PushMap['subscribe:error'];
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
    cancelChannel: CancelChannel,
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
      void call(cancelChannel, [opId]).catch(() => undefined);
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

  /** A snapshot as main reads it: the path of a File the person picked or dropped, else its bytes. */
  const sourceOf = async (
    file: Blob,
  ): Promise<{ kind: 'path'; path: string } | { kind: 'bytes'; bytes: Uint8Array }> => {
    let path = '';
    try {
      path = transport.pathForFile(file);
    } catch {
      path = '';
    }
    return path !== '' ? { kind: 'path', path } : { kind: 'bytes', bytes: new Uint8Array(await file.arrayBuffer()) };
  };

  // Every plain method: its arguments go to the channel of its name, unchanged.
  const plain = Object.fromEntries(
    PLAIN_METHODS.map((method) => [method, (...args: unknown[]) => call(method, args as ArgsOf<typeof method>)]),
  ) as Pick<StoreApi, PlainMethod>;

  const api: StoreApi = {
    ...plain,
    diff: (topic, { file, ...params }, op) =>
      longOp(op, 'diff:cancel', async (opId) => {
        // `source` is this bridge's to set: a caller's own would be overwritten, so refuse it.
        if ('source' in params) raise({ code: 'BAD_REQUEST', message: 'diff: req.source: unknown field' });
        return call('diff', [topic, { ...params, source: await sourceOf(file) }, opId]);
      }),
    repair: (topic, { file, ...params }, op) =>
      longOp(op, 'repair:cancel', async (opId) => {
        if ('source' in params) raise({ code: 'BAD_REQUEST', message: 'repair: req.source: unknown field' });
        return call('repair', [topic, { ...params, source: await sourceOf(file) }, opId]);
      }),
    exportSurface: (topic, req, op) =>
      longOp(op, 'exportSurface:cancel', (opId) => call('exportSurface', [topic, req, opId])),
    compareWith: (req, op) => longOp(op, 'compareWith:cancel', (opId) => call('compareWith', [req, opId])),
    verify: (topic, req, op) => longOp(op, 'verify:cancel', (opId) => call('verify', [topic, req, opId])),

    subscribe(topic, after, onEvents, onError) {
      listen();
      const subId = nextId();
      live.set(subId, onError ? { onEvents, onError } : { onEvents });
      call('subscribe', [topic, after, subId]).catch((e: unknown) => {
        live.delete(subId);
        onError?.(e as ApiError);
      });
      return () => {
        if (!live.delete(subId)) return;
        void call('subscribe:stop', [subId]).catch(() => undefined);
      };
    },
  };
  return api;
}
