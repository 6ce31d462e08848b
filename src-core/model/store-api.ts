/**
 * `StoreApi`: everything the renderer may ask of the world. In Electron the preload bridge
 * (`window.tidemark`) implements it over IPC; in the browser an HTTP adapter implements it against
 * the `tidemark serve` that served the page. The renderer never sees SQL, Node APIs or a path it did
 * not pick. Pure types: imported by the renderer (web), the preload and the Electron main. The data
 * each method takes is declared once in options.ts (the types here are `z.infer` of it) and each
 * method's argument list once in signatures.ts, which a compile-time check pins to this interface.
 */
import type { z } from 'zod';
import type { ErrorCode } from './errors';
import type { CompareReport, VerifyResult } from './integrity';
import type {
  compareWithRequestSchema,
  connectServerRequestSchema,
  connectionPatchSchema,
  diffParamsSchema,
  exportFormatSchema,
  exportSurfaceRequestSchema,
  openFileRequestSchema,
  repairParamsSchema,
  republishOptionsSchema,
  settingsPatchSchema,
  snapshotFormatSchema,
  verifyRequestSchema,
} from './options';
import type {
  AppendOptions,
  AppendRequest,
  AppendResponse,
  DiffResult,
  EventPage,
  InvalidateResult,
  JsonValue,
  ListTxnsOptions,
  ReadEventsOptions,
  RepairResult,
  Role,
  StoredEvent,
  SurfaceOptions,
  SurfacePage,
  SurfaceRow,
  Timeline,
  TimelineOptions,
  TopicInfo,
  TxnDetail,
  TxnPage,
} from './types';

export type ConnectionKind = 'sqlite' | 'http';

export interface ConnectionInfo {
  /** Stable id of a remembered connection. */
  id: string;
  kind: ConnectionKind;
  /** What the person calls it (defaults to the file name or the host). */
  label: string;
  /** A file path (sqlite) or a base URL (http). Tokens are never echoed back. */
  target: string;
  /** Every write control is disabled on a read-only connection. */
  readOnly: boolean;
  /** A CSS colour shown in the status bar, or null. */
  color: string | null;
  /** The role the server granted (http), or 'admin' for a local file. */
  role: Role;
}

export interface Capabilities {
  mode: 'electron' | 'browser';
  /** Native open/create dialogs exist (Electron only). */
  canOpenFiles: boolean;
  /** The person may connect to another server by URL. */
  canConnect: boolean;
}

/** Connect to a server by URL (model/options.ts `connectServerRequestSchema`). */
export type ConnectServerRequest = z.infer<typeof connectServerRequestSchema>;

/**
 * Open or create a local store file (model/options.ts `openFileRequestSchema`): without `path`
 * Electron shows a native dialog (a save dialog with `create`).
 */
export type OpenFileRequest = z.infer<typeof openFileRequestSchema>;

/** A change to a remembered connection's label, read-only flag or colour. */
export type ConnectionPatch = z.infer<typeof connectionPatchSchema>;

/** How one key's surface value would change if a transaction were invalidated. */
export interface InvalidateImpactRow {
  key: string;
  /** The surface row now (null: key absent or tombstoned). */
  before: SurfaceRow | null;
  /** The surface row after the invalidation (null: the key would disappear). */
  after: SurfaceRow | null;
}

export interface InvalidatePreview {
  topic: string;
  txn: number;
  /** Keys whose surface value changes, up to `limit`, ordered by key. */
  rows: InvalidateImpactRow[];
  /** Distinct keys the transaction touched. */
  keysTouched: number;
  /** True when more keys change than `rows` holds. */
  truncated: boolean;
}

export type SnapshotFormat = z.infer<typeof snapshotFormatSchema>;

/** Why a key of an invalidated transaction is not re-published. */
export type RepublishSkipReason =
  /** A later transaction wrote the key: its current row is newer than the invalidated one. */
  | 'changedLater'
  /** Writing the event again would not change the surface (same data as now, or a tombstone of an absent key). */
  | 'unchanged';

export interface RepublishSkipRow {
  key: string;
  reason: RepublishSkipReason;
  /** The surface row now (null: key absent or tombstoned). */
  current: SurfaceRow | null;
}

/**
 * What re-publishing an invalidated transaction would write (services/republish.ts): for each key
 * of the transaction, its surface row now (`before`) and the row the transaction's event would make
 * (`after`: that event as it was stored, so its seq and txn are the invalidated ones; null for a
 * tombstone), or why the key is skipped.
 */
export interface RepublishPreview {
  topic: string;
  txn: number;
  /** Keys that would be written, up to `limit`, ordered by key. */
  rows: InvalidateImpactRow[];
  /** Keys left alone, up to `limit`, ordered by key. */
  skipped: RepublishSkipRow[];
  /** Distinct keys the transaction touched. */
  keysTouched: number;
  /** How many keys a re-publish would write, and how many it would skip (complete counts). */
  writes: number;
  skips: number;
  /** True when `rows` or `skipped` holds fewer than the counts. */
  truncated: boolean;
  /** The topic state the preview was computed on: pass `maxSeq` as `expectMaxSeq` to republish. */
  asOf: { maxSeq: number; maxTxn: number };
}

/** A re-publish's options (model/options.ts `republishOptionsSchema`). */
export type RepublishOptions = z.infer<typeof republishOptionsSchema>;

export interface RepublishResult {
  topic: string;
  /** The invalidated transaction that was re-published. */
  target: number;
  /** The new transaction (its meta holds `republishOf: target`), or null when nothing was written. */
  txn: number | null;
  /** Events written, and keys skipped (changed later or unchanged). */
  written: number;
  skipped: number;
}

/** The app's settings (desktop: userData `settings.json`; browser: read-only). */
export interface AppSettings {
  /** The writer name recorded as `by` on local writes: the one set, else the default. */
  by: string | null;
  /** True when `by` is the one set in settings (not the default). */
  bySet: boolean;
  /** The default: the OS user name, or null when the system has none that is a valid `by`. */
  byDefault: string | null;
  /** False in the browser, where the server records the name of the connection's token. */
  editable: boolean;
}

/** A change to the settings (model/options.ts `settingsPatchSchema`). */
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

/**
 * A diff: the snapshot file (a File from the picker or a drop, or any Blob) and the parameters of
 * model/options.ts `diffParamsSchema` (its file name, format, key field, fields, rows returned).
 */
export type DiffRequest = z.infer<typeof diffParamsSchema> & { file: Blob };

/**
 * A repair: the snapshot file and the parameters of model/options.ts `repairParamsSchema` (the
 * diff's, less `asOfTxn`, plus `include`, `reason`, `dryRun`, `expectMaxSeq` and chosen `keys`).
 */
export type RepairRequest = z.infer<typeof repairParamsSchema> & { file: Blob };

export interface Progress {
  /** Work done and total, in the unit named (bytes read, rows compared). total null: unknown. */
  done: number;
  total: number | null;
  unit: 'bytes' | 'rows' | 'txns' | 'topics';
  phase: string;
}

export interface LongOperation {
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
  /**
   * Added (optional): called once the operation has started, with a function that cancels it.
   * An AbortSignal cannot cross Electron's contextBridge (only plain data, functions, promises,
   * errors and Files do), so in the desktop app cancel through this; the HTTP adapter honours
   * `signal` and may ignore this. Pass both to work everywhere.
   */
  onStart?: (cancel: () => void) => void;
}

export type ExportFormat = z.infer<typeof exportFormatSchema>;

/** A whole-surface export: the surface selection and a format (`exportSurfaceRequestSchema`). */
export type ExportSurfaceRequest = z.infer<typeof exportSurfaceRequestSchema>;

export interface ExportResult {
  /** Where it was saved (Electron), the downloaded file name (browser), or null if cancelled. */
  savedAs: string | null;
  rows: number;
}

/** Compare with another remembered connection (model/options.ts `compareWithRequestSchema`). */
export type CompareWithRequest = z.infer<typeof compareWithRequestSchema>;
// --- verify (issue 13) ---
/** A verify's request (`verifyRequestSchema`): an optional anchor. */
export type VerifyRequest = z.infer<typeof verifyRequestSchema>;
// --- end verify ---

export interface StoreApi {
  capabilities(): Promise<Capabilities>;
  /** The open connection, or null when none is open yet. */
  currentConnection(): Promise<ConnectionInfo | null>;
  recentConnections(): Promise<ConnectionInfo[]>;
  /** Open (or create) a local store file; Electron only (NOT_FOUND-free: shows dialogs). */
  openFile(req: OpenFileRequest): Promise<ConnectionInfo | null>;
  connectServer(req: ConnectServerRequest): Promise<ConnectionInfo>;
  /** Reopen a remembered connection by id. */
  reconnect(id: string): Promise<ConnectionInfo>;
  updateConnection(id: string, patch: ConnectionPatch): Promise<ConnectionInfo>;
  forgetConnection(id: string): Promise<void>;

  listTopics(): Promise<TopicInfo[]>;
  topicInfo(topic: string): Promise<TopicInfo>;
  readEvents(topic: string, opts?: ReadEventsOptions): Promise<EventPage>;
  listTxns(topic: string, opts?: ListTxnsOptions): Promise<TxnPage>;
  getTxn(topic: string, txn: number): Promise<TxnDetail>;
  surface(topic: string, opts?: SurfaceOptions): Promise<SurfacePage>;
  /** Transactions over time in time buckets, aggregated by the store (model/timeline.ts). */
  timeline(topic: string, opts?: TimelineOptions): Promise<Timeline>;
  /** `opts.dryRun`: what the write would return now (duplicates flagged); nothing is written. */
  append(topic: string, req: AppendRequest, opts?: AppendOptions): Promise<AppendResponse>;
  previewInvalidate(topic: string, txn: number, limit?: number): Promise<InvalidatePreview>;
  invalidate(topic: string, txn: number, reason: string): Promise<InvalidateResult>;
  /** What re-publishing an invalidated transaction would write and skip (writes nothing). */
  previewRepublish(topic: string, txn: number, limit?: number): Promise<RepublishPreview>;
  /** Writes the keys the preview lists again, as one new transaction with `meta.republishOf`. */
  republish(topic: string, txn: number, opts?: RepublishOptions): Promise<RepublishResult>;
  /** The app's settings (the writer name). */
  settings(): Promise<AppSettings>;
  /** Changes the settings (desktop only; the browser refuses). */
  updateSettings(patch: SettingsPatch): Promise<AppSettings>;
  /** Writes the demo topic (see src-core/services/sample.ts); returns its name. */
  loadSampleData(): Promise<{ topic: string }>;

  diff(topic: string, req: DiffRequest, op?: LongOperation): Promise<DiffResult>;
  /** Writes what a diff found (or, with `dryRun`, answers what it would write), in one commit. */
  repair(topic: string, req: RepairRequest, op?: LongOperation): Promise<RepairResult>;
  exportSurface(topic: string, req: ExportSurfaceRequest, op?: LongOperation): Promise<ExportResult>;
  /**
   * Compares the open connection's logs (the `from` side) with another remembered connection's
   * (`to`), topic by topic (services/compare.ts). Desktop only: the browser refuses it (BAD_REQUEST
   * saying why; docs/renderer.md).
   */
  compareWith(req: CompareWithRequest, op?: LongOperation): Promise<CompareReport>;
  /** Checks the topic's stored log (docs/integrity.md); progress in transactions; cancellable. */
  verify(topic: string, req: VerifyRequest, op?: LongOperation): Promise<VerifyResult>;

  /** Live tail: `onEvents` gets every event with seq > after, in order, until unsubscribed. */
  subscribe(
    topic: string,
    after: number,
    onEvents: (events: StoredEvent[]) => void,
    onError?: (e: ApiError) => void,
  ): () => void;
}

/** What every StoreApi method rejects with: recognised by `code`, never by class. */
export interface ApiError {
  code: ErrorCode;
  message: string;
}

export type { JsonValue };
