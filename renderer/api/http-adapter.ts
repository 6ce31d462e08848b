/**
 * `StoreApi` over HTTP, for the app served by `tidemark serve`. Routes, queries, errors, the server
 * URL rule, whoami, snapshot formats and the live tail are src-core/wire's, shared with the Node
 * client; what is the browser's own is here and beside it: the connection is the serving origin
 * (another server would have to allow this origin by CORS); the token, when the server wants one,
 * is entered in the UI and kept in sessionStorage; recent connections (never tokens) in
 * localStorage (connection-prefs.ts); requests bypass the HTTP cache; the diff upload reports
 * progress (upload.ts) and exports are saved as downloads (download.ts), both in http-long-ops.ts
 * with verify. Read-only is enforced here as well as in the UI: a write on a read-only connection
 * is refused before it leaves the browser.
 */
import { type Operation, refusalFor } from '../../src-core/model/access';
import { TidemarkError } from '../../src-core/model/errors';
import {
  LIST_TXNS_OPTION_KEYS,
  READ_EVENTS_OPTION_KEYS,
  SURFACE_OPTION_KEYS,
  TIMELINE_OPTION_KEYS,
} from '../../src-core/model/option-keys';
import type { CompareReport } from '../../src-core/model/integrity';
import type {
  Capabilities,
  CompareWithRequest,
  ConnectServerRequest,
  ConnectionInfo,
  ConnectionPatch,
  DiffRequest,
  ExportResult,
  ExportSurfaceRequest,
  InvalidatePreview,
  LongOperation,
  RepairRequest,
  RepublishOptions,
  RepublishPreview,
  RepublishResult,
  AppSettings,
  StoreApi,
  ApiError,
  VerifyRequest,
} from '../../src-core/model/store-api';
import type { VerifyResult } from '../../src-core/model/integrity';
import { byNotAccepted } from '../../src-core/model/validate';
import type {
  AppendOptions,
  AppendRequest,
  AppendResponse,
  DiffResult,
  EventPage,
  InvalidateResult,
  ListTxnsOptions,
  ReadEventsOptions,
  RepairResult,
  StoredEvent,
  SurfaceOptions,
  SurfacePage,
  Timeline,
  TimelineOptions,
  TopicInfo,
  TxnDetail,
  TxnPage,
} from '../../src-core/model/types';
import { paths } from '../../src-core/wire/paths';
import { queryOf } from '../../src-core/wire/query';
import { normalizeServerUrl } from '../../src-core/wire/server-url';
import { tailStream } from '../../src-core/wire/sse-tail';
import { WireTransport } from '../../src-core/wire/transport';
import { askWhoami } from '../../src-core/wire/whoami';
import { patchConnection } from './connection-patch';
import { ConnectionPrefs, connectionIdFor } from './connection-prefs';
import { toApiError } from './errors';
import { diffOverHttp, exportSurfaceOverHttp, repairOverHttp, verifyOverHttp } from './http-long-ops';

export class HttpStoreApi implements StoreApi {
  private conn: ConnectionInfo | null = null;
  /** The name of this tab's token on the server (null: no tokens there, or not connected). */
  private tokenName: string | null = null;
  private transport: WireTransport | null = null;
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
    const url = normalizeServerUrl(req.url, 'Server URL');
    const token = req.token?.trim() ? req.token.trim() : this.prefs.token(url);
    return this.open(url, token, req);
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
      this.tokenName = null;
      this.transport = null;
    }
    return Promise.resolve();
  }

  async listTopics(): Promise<TopicInfo[]> {
    return this.http()
      .json<{ topics: TopicInfo[] }>('GET', paths.topics(), { what: 'Loading topics' })
      .then((b) => b.topics);
  }

  async topicInfo(topic: string): Promise<TopicInfo> {
    return this.http().json('GET', paths.topic(topic), { what: `Loading topic ${topic}` });
  }

  async readEvents(topic: string, opts: ReadEventsOptions = {}): Promise<EventPage> {
    return this.http().json('GET', paths.events(topic), {
      query: queryOf(opts, READ_EVENTS_OPTION_KEYS),
      what: 'Loading events',
    });
  }

  async listTxns(topic: string, opts: ListTxnsOptions = {}): Promise<TxnPage> {
    return this.http().json('GET', paths.txns(topic), {
      query: queryOf(opts, LIST_TXNS_OPTION_KEYS),
      what: 'Loading transactions',
    });
  }

  async timeline(topic: string, opts: TimelineOptions = {}): Promise<Timeline> {
    return this.http().json('GET', paths.timeline(topic), {
      query: queryOf(opts, TIMELINE_OPTION_KEYS),
      what: 'Loading the timeline',
    });
  }

  async getTxn(topic: string, txn: number): Promise<TxnDetail> {
    return this.http().json('GET', paths.txn(topic, txn), { what: `Loading transaction ${txn}` });
  }

  async surface(topic: string, opts: SurfaceOptions = {}): Promise<SurfacePage> {
    return this.http().json('GET', paths.surface(topic), {
      query: queryOf(opts, SURFACE_OPTION_KEYS),
      what: 'Loading the surface',
    });
  }

  async append(topic: string, req: AppendRequest, opts: AppendOptions = {}): Promise<AppendResponse> {
    const t = this.allowed('txns.append');
    if (req.by !== undefined && req.by !== null) throw byNotAccepted('by');
    const dryRun = opts.dryRun === true;
    return t.json('POST', paths.txns(topic), {
      body: req,
      ...(dryRun ? { query: { dryRun: 'true' } } : {}),
      what: dryRun ? 'Checking the transaction' : 'Writing',
    });
  }

  async previewRepublish(topic: string, txn: number, limit?: number): Promise<RepublishPreview> {
    return this.http().json('GET', paths.previewRepublish(topic, txn), {
      query: { limit },
      what: `Previewing the re-publish of transaction ${txn}`,
    });
  }

  async republish(topic: string, txn: number, opts: RepublishOptions = {}): Promise<RepublishResult> {
    const t = this.allowed('txns.republish');
    if (opts.by !== undefined && opts.by !== null) throw byNotAccepted('by');
    const { note, expectMaxSeq } = opts;
    return t.json('POST', paths.republish(topic, txn), {
      body: { note, expectMaxSeq },
      what: `Re-publishing transaction ${txn}`,
    });
  }

  /** In the browser the server records the name of this tab's token: shown, not editable. */
  settings(): Promise<AppSettings> {
    return Promise.resolve({ by: this.tokenName, bySet: false, byDefault: this.tokenName, editable: false });
  }

  updateSettings(): Promise<AppSettings> {
    return Promise.reject(
      new TidemarkError('BAD_REQUEST', "Settings are the desktop app's; the server records your token's name."),
    );
  }

  async previewInvalidate(topic: string, txn: number, limit?: number): Promise<InvalidatePreview> {
    return this.http().json('GET', paths.previewInvalidate(topic, txn), {
      query: { limit },
      what: `Previewing the invalidation of transaction ${txn}`,
    });
  }

  async invalidate(topic: string, txn: number, reason: string): Promise<InvalidateResult> {
    return this.allowed('txns.invalidate').json('POST', paths.invalidate(topic, txn), {
      body: { reason },
      what: `Invalidating transaction ${txn}`,
    });
  }

  async loadSampleData(): Promise<{ topic: string }> {
    return this.allowed('sample.load').json('POST', paths.sample(), { what: 'Loading sample data' });
  }

  diff(topic: string, req: DiffRequest, op: LongOperation = {}): Promise<DiffResult> {
    return diffOverHttp(this.http(), topic, req, op);
  }

  /** Refused here on a read-only connection, as every write is. */
  repair(topic: string, req: RepairRequest, op: LongOperation = {}): Promise<RepairResult> {
    return repairOverHttp(this.allowed('repair'), topic, req, op);
  }

  exportSurface(topic: string, req: ExportSurfaceRequest, op: LongOperation = {}): Promise<ExportResult> {
    return exportSurfaceOverHttp(this.http(), topic, req, op);
  }

  /**
   * Desktop only (docs/renderer.md, "Compare with…"): a page served by one server cannot read
   * another (servers send no CORS headers), and a server does not fetch URLs for a browser (SSRF),
   * so the browser refuses before any request, saying what to use instead.
   */
  compareWith(_req: CompareWithRequest, _op?: LongOperation): Promise<CompareReport> {
    return Promise.reject(
      new TidemarkError(
        'BAD_REQUEST',
        `Compare with… runs in the desktop app: this page can only reach the server that served it. From a shell: tidemark compare --from ${this.conn?.target ?? 'URL'} --to OTHER_URL`,
      ),
    );
  }

  verify(topic: string, req: VerifyRequest, op: LongOperation = {}): Promise<VerifyResult> {
    return verifyOverHttp(this.http(), topic, req, op);
  }

  subscribe(
    topic: string,
    after: number,
    onEvents: (events: StoredEvent[]) => void,
    onError?: (e: ApiError) => void,
  ): () => void {
    return tailStream(this.http(), topic, after, onEvents, {
      onError: (err) => onError?.(toApiError(err, 'The live tail')),
    });
  }

  private http(): WireTransport {
    if (!this.transport) throw new TidemarkError('UNAUTHORIZED', 'Not connected: connect to the server first.');
    return this.transport;
  }

  /** The transport, if the open connection may run `op` (read-only flag and role, model/access.ts). */
  private allowed(op: Operation): WireTransport {
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
    const transport = new WireTransport({ url, token, requestDefaults: { cache: 'no-store' } });
    const { role, name } = await askWhoami(transport, { what: 'Connecting' });
    const target = transport.baseUrl;
    const id = connectionIdFor(target);
    const remembered = this.prefs.find(id);
    const conn: ConnectionInfo = {
      id,
      kind: 'http',
      label: req.label?.trim() || remembered?.label || new URL(target).host,
      target,
      readOnly: req.readOnly ?? remembered?.readOnly ?? false,
      color: req.color !== undefined ? req.color : (remembered?.color ?? null),
      role,
    };
    this.prefs.setToken(target, token);
    this.prefs.remember(conn);
    this.conn = conn;
    this.tokenName = name;
    this.transport = transport;
    return conn;
  }
}
