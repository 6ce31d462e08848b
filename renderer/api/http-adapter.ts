/**
 * `StoreApi` over HTTP, for the app served by `tidemark serve`. The connection is the serving
 * origin (another server would have to allow this origin by CORS); the token, when the server
 * wants one, is entered in the UI and kept in sessionStorage; recent connections (never tokens)
 * in localStorage. Read-only is enforced here as well as in the UI: a write on a read-only
 * connection is refused before it leaves the browser.
 */
import { type Operation, type Role, isRole, refusalFor } from '../../src-core/model/access';
import { TidemarkError } from '../../src-core/model/errors';
import type {
  Capabilities,
  ConnectServerRequest,
  ConnectionInfo,
  ConnectionPatch,
  DiffRequest,
  ExportResult,
  ExportSurfaceRequest,
  InvalidatePreview,
  LongOperation,
  StoreApi,
  ApiError,
} from '../../src-core/model/store-api';
import type {
  AppendRequest,
  AppendResponse,
  DiffResult,
  EventPage,
  InvalidateResult,
  ListTxnsOptions,
  ReadEventsOptions,
  StoredEvent,
  SurfaceOptions,
  SurfacePage,
  TopicInfo,
  TxnDetail,
  TxnPage,
} from '../../src-core/model/types';
import { patchConnection } from './connection-patch';
import { ConnectionPrefs, connectionIdFor, normalizeServerUrl } from './connection-prefs';
import { startCancellable } from './cancel';
import { exportFileName } from '../../src-core/export/names';
import { countCsvRecords, countNdjsonRecords } from '../../src-core/export/records';
import { saveBlob } from './download';
import { toApiError } from './errors';
import { tailSse } from './sse';
import { HttpTransport, pathOf } from './transport';
import { CONTENT_TYPES, formatFromName, uploadJson } from './upload';

export class HttpStoreApi implements StoreApi {
  private conn: ConnectionInfo | null = null;
  private transport: HttpTransport | null = null;
  private readonly prefs: ConnectionPrefs;

  constructor(
    private readonly origin: string,
    storage: { local: Storage; session: Storage },
  ) {
    this.prefs = new ConnectionPrefs(storage.local, storage.session);
  }

  capabilities(): Promise<Capabilities> {
    return Promise.resolve({ mode: 'browser', canOpenFiles: false, canConnect: false });
  }

  /** The open connection; on first call tries the serving origin with any token of this tab. */
  async currentConnection(): Promise<ConnectionInfo | null> {
    if (this.conn) return this.conn;
    const url = this.origin;
    try {
      return await this.open(url, this.prefs.token(url), {});
    } catch (err) {
      if ((err as ApiError).code === 'UNAUTHORIZED') return null;
      throw err;
    }
  }

  recentConnections(): Promise<ConnectionInfo[]> {
    return Promise.resolve(
      this.prefs.recent().map((r) => ({
        id: r.id,
        kind: r.kind,
        label: r.label,
        target: r.target,
        readOnly: r.readOnly,
        color: r.color,
        role: this.conn?.id === r.id ? this.conn.role : 'read',
      })),
    );
  }

  openFile(): Promise<ConnectionInfo | null> {
    return Promise.reject(
      new TidemarkError('BAD_REQUEST', 'Opening a store file needs the desktop app; the browser talks to the server.'),
    );
  }

  async connectServer(req: ConnectServerRequest): Promise<ConnectionInfo> {
    const norm = normalizeServerUrl(req.url);
    if ('error' in norm) throw new TidemarkError('BAD_REQUEST', `Server URL: ${norm.error}`);
    const token = req.token?.trim() ? req.token.trim() : this.prefs.token(norm.url);
    return this.open(norm.url, token, req);
  }

  async reconnect(id: string): Promise<ConnectionInfo> {
    const r = this.prefs.find(id);
    if (!r) throw new TidemarkError('NOT_FOUND', 'That connection is no longer remembered.');
    return this.open(r.target, this.prefs.token(r.target), {});
  }

  updateConnection(id: string, patch: ConnectionPatch): Promise<ConnectionInfo> {
    const r = this.prefs.find(id);
    const base: ConnectionInfo | null = this.conn?.id === id ? this.conn : r ? { ...r, role: 'read' as const } : null;
    if (!base) return Promise.reject(new TidemarkError('NOT_FOUND', 'That connection is no longer remembered.'));
    const next = patchConnection(base, patch);
    if (this.conn?.id === id) this.conn = next;
    this.prefs.remember(next);
    return Promise.resolve(next);
  }

  forgetConnection(id: string): Promise<void> {
    this.prefs.forget(id);
    if (this.conn?.id === id) {
      this.conn = null;
      this.transport = null;
    }
    return Promise.resolve();
  }

  listTopics(): Promise<TopicInfo[]> {
    return this.http()
      .json<{ topics: TopicInfo[] }>('GET', '/v1/topics', { what: 'Loading topics' })
      .then((b) => b.topics);
  }

  topicInfo(topic: string): Promise<TopicInfo> {
    return this.http().json('GET', pathOf('v1', 'topics', topic), { what: `Loading topic ${topic}` });
  }

  readEvents(topic: string, opts: ReadEventsOptions = {}): Promise<EventPage> {
    return this.http().json('GET', pathOf('v1', 'topics', topic, 'events'), {
      query: { ...opts },
      what: 'Loading events',
    });
  }

  listTxns(topic: string, opts: ListTxnsOptions = {}): Promise<TxnPage> {
    return this.http().json('GET', pathOf('v1', 'topics', topic, 'txns'), {
      query: { ...opts },
      what: 'Loading transactions',
    });
  }

  getTxn(topic: string, txn: number): Promise<TxnDetail> {
    return this.http().json('GET', pathOf('v1', 'topics', topic, 'txns', txn), { what: `Loading transaction ${txn}` });
  }

  surface(topic: string, opts: SurfaceOptions = {}): Promise<SurfacePage> {
    return this.http().json('GET', pathOf('v1', 'topics', topic, 'surface'), {
      query: { ...opts },
      what: 'Loading the surface',
    });
  }

  append(topic: string, req: AppendRequest): Promise<AppendResponse> {
    return this.allowed('txns.append').json('POST', pathOf('v1', 'topics', topic, 'txns'), {
      body: req,
      what: 'Writing',
    });
  }

  previewInvalidate(topic: string, txn: number, limit?: number): Promise<InvalidatePreview> {
    return this.http().json('GET', pathOf('v1', 'topics', topic, 'txns', txn, 'preview-invalidate'), {
      query: { limit },
      what: `Previewing the invalidation of transaction ${txn}`,
    });
  }

  invalidate(topic: string, txn: number, reason: string): Promise<InvalidateResult> {
    return this.allowed('txns.invalidate').json('POST', pathOf('v1', 'topics', topic, 'txns', txn, 'invalidate'), {
      body: { reason },
      what: `Invalidating transaction ${txn}`,
    });
  }

  loadSampleData(): Promise<{ topic: string }> {
    return this.allowed('sample.load').json('POST', '/v1/sample', { what: 'Loading sample data' });
  }

  diff(topic: string, req: DiffRequest, op: LongOperation = {}): Promise<DiffResult> {
    const t = this.http();
    const format = req.format ?? formatFromName(req.fileName);
    if (!format) {
      return Promise.reject(
        new TidemarkError('BAD_REQUEST', `${req.fileName}: unknown snapshot format (use .csv, .json or .ndjson)`),
      );
    }
    const url = t.url(pathOf('v1', 'topics', topic, 'diff'), {
      key: req.keyField,
      fields: req.fields && req.fields.length > 0 ? req.fields.join(',') : undefined,
      ignore: req.ignore && req.ignore.length > 0 ? req.ignore.join(',') : undefined,
      limit: req.limit,
    });
    return uploadJson<DiffResult>({
      url,
      headers: t.authHeaders(),
      body: req.file,
      contentType: CONTENT_TYPES[format],
      onProgress: op.onProgress,
      signal: startCancellable(op),
    });
  }

  async exportSurface(topic: string, req: ExportSurfaceRequest, op: LongOperation = {}): Promise<ExportResult> {
    const res = await this.http().send('GET', pathOf('v1', 'topics', topic, 'surface', 'export'), {
      query: { format: req.format, view: req.view, asOfTxn: req.asOfTxn, prefix: req.prefix },
      signal: startCancellable(op),
      what: 'Exporting the surface',
    });
    op.onProgress?.({ done: 0, total: null, unit: 'bytes', phase: 'downloading' });
    let blob: Blob;
    try {
      blob = await res.blob();
    } catch (err) {
      throw toApiError(err, 'Exporting the surface');
    }
    const text = await blob.text();
    const rows = req.format === 'csv' ? countCsvRecords(text) : countNdjsonRecords(text);
    const name = exportFileName(topic, 'surface', req.format);
    saveBlob(blob, name);
    return { savedAs: name, rows };
  }

  subscribe(
    topic: string,
    after: number,
    onEvents: (events: StoredEvent[]) => void,
    onError?: (e: ApiError) => void,
  ): () => void {
    const t = this.http();
    return tailSse({
      url: (a) => t.url(pathOf('v1', 'topics', topic, 'events', 'stream'), { after: a }),
      headers: () => t.authHeaders(),
      after,
      onEvents,
      onError,
    });
  }

  private http(): HttpTransport {
    if (!this.transport) throw new TidemarkError('UNAUTHORIZED', 'Not connected: connect to the server first.');
    return this.transport;
  }

  /** The transport, if the open connection may run `op` (read-only flag and role, model/access.ts). */
  private allowed(op: Operation): HttpTransport {
    const conn = this.conn;
    const refusal = conn ? refusalFor(conn, op) : null;
    if (refusal?.reason === 'readOnly') throw new TidemarkError('FORBIDDEN', 'This connection is marked read-only.');
    if (refusal?.reason === 'role') {
      throw new TidemarkError(
        'FORBIDDEN',
        `This needs the ${refusal.need} role; your token has the ${conn!.role} role.`,
      );
    }
    return this.http();
  }

  /** Asks the server who we are; on success this becomes the current connection. */
  private async open(
    url: string,
    token: string | null,
    req: Partial<Pick<ConnectServerRequest, 'label' | 'readOnly' | 'color'>>,
  ): Promise<ConnectionInfo> {
    const transport = new HttpTransport(url, token);
    const role = await whoami(transport);
    const id = connectionIdFor(url);
    const remembered = this.prefs.find(id);
    const conn: ConnectionInfo = {
      id,
      kind: 'http',
      label: req.label?.trim() || remembered?.label || new URL(url).host,
      target: url,
      readOnly: req.readOnly ?? remembered?.readOnly ?? false,
      color: req.color !== undefined ? req.color : (remembered?.color ?? null),
      role,
    };
    this.prefs.setToken(url, token);
    this.prefs.remember(conn);
    this.conn = conn;
    this.transport = transport;
    return conn;
  }
}

async function whoami(t: HttpTransport): Promise<Role> {
  try {
    const body = await t.json<{ role?: unknown }>('GET', '/v1/whoami', { what: 'Connecting' });
    return isRole(body.role) ? body.role : 'read';
  } catch (err) {
    // An older server without /v1/whoami: probe a read route; the role is then unknown, so the
    // app assumes the least and lets the server refuse what it must.
    if ((err as ApiError).code !== 'NOT_FOUND') throw err;
    await t.json('GET', '/v1/topics', { what: 'Connecting' });
    return 'read';
  }
}
