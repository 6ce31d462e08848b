/**
 * Opens the EventStore a `StoreDescriptor` names: a SQLite file through the engine or a server
 * through the HTTP client. Used by main and by the job worker, which opens its own read-only handle
 * so heavy scans never run on main's event loop. Which better-sqlite3 addon a SQLite file loads is
 * not decided here but by the thread (sqlite-binding.ts).
 */
import type { EventStore } from '../src-core/store/types';
import { openHttpStore } from '../src-core/store/http';
import { openSqliteStore } from '../src-core/store/sqlite';
import type { StoreDescriptor } from './connections';

export interface OpenOptions {
  /** Open a SQLite file without write access (job workers). */
  readonly?: boolean;
}

export function openDescriptor(desc: StoreDescriptor, opts: OpenOptions = {}): EventStore {
  if (desc.kind === 'sqlite') {
    return openSqliteStore(desc.file, opts.readonly ? { readonly: true } : {});
  }
  return openHttpStore(desc.token === undefined ? { url: desc.url } : { url: desc.url, token: desc.token });
}
