/**
 * The connection manager: which store the app is looking at. At most one connection is open; the
 * default is a SQLite file in userData (`tidemark.db`, created on first launch). Local files and
 * servers (URL + token) are opened through injected openers, so this module is tested with real
 * SQLite files and real servers but without Electron. Switching opens the new store first and
 * only then closes the old one, so a failed open changes nothing. Every remembered connection has
 * a read-only flag and a colour; `requireOp` enforces the flag and the server role (by the
 * operation table of src-core/model/access.ts) here in main, whatever the UI shows. Tokens go from the RecentStore to the opener, never out.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { type Operation, refusalFor } from '../src-core/model/access';
import { TidemarkError } from '../src-core/model/errors';
import type {
  ConnectServerRequest,
  ConnectionInfo,
  ConnectionPatch,
  OpenFileRequest,
} from '../src-core/model/store-api';
import type { Role } from '../src-core/model/types';
import type { EventStore } from '../src-core/store/types';
import { toInfo, type ConnectionRecord, type RecentStore } from './recent-store';
import { normalizeServerUrl } from './server-url';

/** How to reach a store; handed to worker threads too (tokens stay inside main's threads). */
export type StoreDescriptor = { kind: 'sqlite'; file: string } | { kind: 'http'; url: string; token?: string };

export interface StoreOpeners {
  open(desc: StoreDescriptor): Promise<EventStore>;
  /** The role a server grants a token (http only). */
  whoami(url: string, token: string | undefined): Promise<Role>;
}

export interface OpenConnection {
  info: ConnectionInfo;
  store: EventStore;
  descriptor: StoreDescriptor;
}

/** `storeChanged` is false when only the open connection's label, colour or read-only flag changed. */
export type ConnectionListener = (current: OpenConnection | null, change: { storeChanged: boolean }) => void;

/**
 * The read-only flag and colour of a connection being opened: the request's, else the remembered
 * ones, else the defaults. A `color` of null in the request clears a remembered colour.
 */
function markings(
  req: { readOnly?: boolean; color?: string | null },
  known: ConnectionRecord | undefined,
): Pick<ConnectionRecord, 'readOnly' | 'color'> {
  return {
    readOnly: req.readOnly ?? known?.readOnly ?? false,
    color: req.color !== undefined ? req.color : (known?.color ?? null),
  };
}

export class ConnectionManager {
  private currentConn: OpenConnection | null = null;
  private listeners = new Set<ConnectionListener>();
  /** Serialises switches so two opens cannot interleave. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly recent: RecentStore,
    private readonly openers: StoreOpeners,
    readonly defaultDbPath: string,
  ) {}

  current(): OpenConnection | null {
    return this.currentConn;
  }

  onChange(listener: ConnectionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  recentConnections(): ConnectionInfo[] {
    return this.recent.list().map(toInfo);
  }

  /** The open store; UNAVAILABLE when nothing is open. */
  requireStore(): OpenConnection {
    if (!this.currentConn)
      throw new TidemarkError('UNAVAILABLE', 'no store is open; open a file or connect to a server');
    return this.currentConn;
  }

  /**
   * The open store if `op` may run on it: FORBIDDEN when `op` changes the store and the connection
   * is read-only, or when the connection's role is too small for `op` (model/access.ts).
   */
  requireOp(op: Operation, what: string): OpenConnection {
    const c = this.requireStore();
    const refusal = refusalFor(c.info, op);
    if (refusal?.reason === 'readOnly') {
      throw new TidemarkError('FORBIDDEN', `${what}: "${c.info.label}" is open read-only`);
    }
    if (refusal?.reason === 'role') {
      throw new TidemarkError(
        'FORBIDDEN',
        `${what}: needs the ${refusal.need} role on the server; the token has the ${c.info.role} role`,
      );
    }
    return c;
  }

  /** Opens the last used connection if it still opens, else the default file (created if absent). */
  async openAtStartup(): Promise<OpenConnection> {
    const last = this.recent.list()[0];
    if (last) {
      try {
        return await this.reconnect(last.id);
      } catch {
        // fall through to the default store; the recent entry stays for the person to retry
      }
    }
    return this.openFile({ path: this.defaultDbPath, create: true }, { trusted: true });
  }

  /**
   * Opens (or creates) a local store file. `path` must come from a native dialog, the default
   * store, or a remembered connection (`trusted`); main never opens a path the renderer made up.
   */
  async openFile(req: OpenFileRequest, opts: { trusted: boolean }): Promise<OpenConnection> {
    const file = req.path;
    if (file === undefined) throw new TidemarkError('BAD_REQUEST', 'path: no file was chosen');
    const resolved = path.resolve(file);
    const known = this.recent.find('sqlite', resolved);
    if (!opts.trusted && !known) {
      throw new TidemarkError(
        'FORBIDDEN',
        'path: only remembered files can be opened by path; choose the file in the dialog',
      );
    }
    if (!req.create && !existsSync(resolved)) throw new TidemarkError('NOT_FOUND', `${resolved}: no such store file`);
    return this.switchTo(
      { kind: 'sqlite', file: resolved },
      {
        id: known?.id,
        kind: 'sqlite',
        label: known?.label ?? path.basename(resolved),
        target: resolved,
        ...markings(req, known),
        role: 'admin',
      },
      undefined,
    );
  }

  async connectServer(req: ConnectServerRequest): Promise<OpenConnection> {
    const url = normalizeServerUrl(req.url);
    const known = this.recent.find('http', url);
    const token = req.token ?? (known ? this.recent.tokenFor(known.id) : undefined);
    const role = await this.openers.whoami(url, token);
    return this.switchTo(
      token === undefined ? { kind: 'http', url } : { kind: 'http', url, token },
      {
        id: known?.id,
        kind: 'http',
        label: req.label ?? known?.label ?? new URL(url).host,
        target: url,
        ...markings(req, known),
        role,
      },
      req.token,
    );
  }

  async reconnect(id: string): Promise<OpenConnection> {
    const rec = this.recent.get(id);
    if (!rec) throw new TidemarkError('NOT_FOUND', `connection ${id}: not remembered`);
    if (rec.kind === 'sqlite') return this.openFile({ path: rec.target }, { trusted: true });
    return this.connectServer({ url: rec.target });
  }

  update(id: string, patch: ConnectionPatch): ConnectionInfo {
    const rec = this.recent.update(id, patch);
    if (!rec) throw new TidemarkError('NOT_FOUND', `connection ${id}: not remembered`);
    const info = toInfo(rec);
    if (this.currentConn?.info.id === id) {
      // the role is a fact of the open session, not of the stored record
      this.currentConn = { ...this.currentConn, info: { ...info, role: this.currentConn.info.role } };
      this.emit(false);
      return this.currentConn.info;
    }
    return info;
  }

  /**
   * How to reach a remembered connection (its token from the RecentStore) without switching to it:
   * "Compare with…" opens it beside the current one. NOT_FOUND for an id that is not remembered.
   */
  descriptorFor(id: string): StoreDescriptor {
    const rec = this.recent.get(id);
    if (!rec) throw new TidemarkError('NOT_FOUND', `connection ${id}: not remembered`);
    if (rec.kind === 'sqlite') return { kind: 'sqlite', file: rec.target };
    const token = this.recent.tokenFor(rec.id);
    return token === undefined ? { kind: 'http', url: rec.target } : { kind: 'http', url: rec.target, token };
  }

  forget(id: string): void {
    if (!this.recent.forget(id)) throw new TidemarkError('NOT_FOUND', `connection ${id}: not remembered`);
  }

  async close(): Promise<void> {
    const old = this.currentConn;
    this.currentConn = null;
    if (old) this.emit(true);
    if (old) await old.store.close();
  }

  private switchTo(
    desc: StoreDescriptor,
    entry: Omit<ConnectionRecord, 'id' | 'lastUsed' | 'sealedToken'> & { id: string | undefined },
    newToken: string | undefined,
  ): Promise<OpenConnection> {
    const run = async (): Promise<OpenConnection> => {
      const store = await this.openers.open(desc);
      const { id, ...rest } = entry;
      const rec = this.recent.remember(id === undefined ? rest : { ...rest, id }, newToken);
      const next: OpenConnection = { info: { ...toInfo(rec), role: entry.role }, store, descriptor: desc };
      const old = this.currentConn;
      this.currentConn = next;
      this.emit(true);
      if (old) await old.store.close().catch(() => undefined);
      return next;
    };
    const p = this.queue.then(run, run);
    this.queue = p.catch(() => undefined);
    return p;
  }

  private emit(storeChanged: boolean): void {
    for (const l of this.listeners) l(this.currentConn, { storeChanged });
  }
}
