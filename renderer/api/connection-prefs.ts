/**
 * What the browser remembers about connections: "recent connections" (label, URL, read-only flag,
 * colour; never a token) in localStorage, and the token of each server in sessionStorage, so it
 * is forgotten when the tab closes. Both are keyed by the server URL as src-core/wire/server-url.ts
 * normalises it. Takes the Storage objects as parameters so it is unit-tested without a browser.
 */
import type { ConnectionInfo } from '../../src-core/model/store-api';

const RECENT_KEY = 'tidemark.recentConnections';
const TOKEN_PREFIX = 'tidemark.token:';
const MAX_RECENT = 10;

/** A remembered connection: a ConnectionInfo without the role (granted anew on each connect). */
export type RecentConnection = Omit<ConnectionInfo, 'role'> & { lastUsed: string };

function isRecent(v: unknown): v is RecentConnection {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return (
    typeof r.id === 'string' &&
    r.kind === 'http' &&
    typeof r.label === 'string' &&
    typeof r.target === 'string' &&
    typeof r.readOnly === 'boolean' &&
    (r.color === null || typeof r.color === 'string')
  );
}

export class ConnectionPrefs {
  constructor(
    private readonly local: Storage,
    private readonly session: Storage,
  ) {}

  recent(): RecentConnection[] {
    try {
      const parsed = JSON.parse(this.local.getItem(RECENT_KEY) ?? '[]') as unknown;
      return Array.isArray(parsed) ? parsed.filter(isRecent) : [];
    } catch {
      return [];
    }
  }

  find(id: string): RecentConnection | undefined {
    return this.recent().find((r) => r.id === id);
  }

  /** Adds or refreshes an entry, newest first, at most MAX_RECENT kept. */
  remember(conn: ConnectionInfo, now = new Date()): void {
    const entry: RecentConnection = {
      id: conn.id,
      kind: conn.kind,
      label: conn.label,
      target: conn.target,
      readOnly: conn.readOnly,
      color: conn.color,
      lastUsed: now.toISOString(),
    };
    const rest = this.recent().filter((r) => r.id !== conn.id);
    this.local.setItem(RECENT_KEY, JSON.stringify([entry, ...rest].slice(0, MAX_RECENT)));
  }

  forget(id: string): void {
    const entry = this.find(id);
    this.local.setItem(RECENT_KEY, JSON.stringify(this.recent().filter((r) => r.id !== id)));
    if (entry) this.session.removeItem(TOKEN_PREFIX + entry.target);
  }

  token(url: string): string | null {
    return this.session.getItem(TOKEN_PREFIX + url);
  }

  setToken(url: string, token: string | null): void {
    if (token) this.session.setItem(TOKEN_PREFIX + url, token);
    else this.session.removeItem(TOKEN_PREFIX + url);
  }
}

export function connectionIdFor(url: string): string {
  return `http:${url}`;
}
