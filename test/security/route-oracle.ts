/**
 * The fuzz test's own, independent idea of which role a request needs: the route table of
 * shared/API.md (v1 and v1.1) plus the project's extra routes (docs/http.md), and a classifier
 * that takes a raw request-target the way a careful server must read it. It strips an
 * absolute-form prefix (`http://host`), cuts the query and fragment, percent-decodes, drops empty
 * segments (double slashes) and resolves dot segments, then matches the route table with literal
 * segments compared case-insensitively. Where a server may legitimately read a target two ways
 * (`;` as a path-parameter delimiter or not, `%2F` as a separator or as a character of a segment)
 * every reading is tried and the request needs the least role of any reading that names a route:
 * the oracle never demands more than some sound server would. A reading whose first segment is
 * `v1` or `metrics` is an API path: unless some API reading names a route, only the web UI may
 * answer 2xx, and only when another reading is a UI path. Any other reading is a UI path, open to
 * everyone, but it can only justify the UI's own files, never data.
 */
import type { Role } from '../../src-core/model/types';

/** What a request needs: nothing (`public`), a role, or `none` (no 2xx for anyone). */
export type Need = 'public' | Role | 'none';

export type RouteName =
  | 'health'
  | 'whoami'
  | 'topics'
  | 'topic'
  | 'events'
  | 'stream'
  | 'txns'
  | 'txn'
  | 'preview'
  | 'previewRepublish'
  | 'republish'
  | 'surface'
  | 'export'
  | 'verify'
  | 'metrics'
  | 'append'
  | 'batch'
  | 'sample'
  | 'diff'
  | 'repair'
  | 'invalidate'
  | 'import';

interface RouteDef {
  name: RouteName;
  method: 'GET' | 'POST';
  /** Literal segments as written; `:x` is a parameter (any non-empty segment). */
  path: string;
  need: Need;
}

/** API.md's table, its v1.1 additions, and docs/http.md's extra routes. */
export const ROUTES: readonly RouteDef[] = [
  { name: 'health', method: 'GET', path: '/v1/health', need: 'public' },
  { name: 'whoami', method: 'GET', path: '/v1/whoami', need: 'read' },
  { name: 'topics', method: 'GET', path: '/v1/topics', need: 'read' },
  { name: 'topic', method: 'GET', path: '/v1/topics/:topic', need: 'read' },
  { name: 'events', method: 'GET', path: '/v1/topics/:topic/events', need: 'read' },
  { name: 'stream', method: 'GET', path: '/v1/topics/:topic/events/stream', need: 'read' },
  { name: 'txns', method: 'GET', path: '/v1/topics/:topic/txns', need: 'read' },
  { name: 'txn', method: 'GET', path: '/v1/topics/:topic/txns/:txn', need: 'read' },
  { name: 'preview', method: 'GET', path: '/v1/topics/:topic/txns/:txn/preview-invalidate', need: 'read' },
  { name: 'surface', method: 'GET', path: '/v1/topics/:topic/surface', need: 'read' },
  { name: 'export', method: 'GET', path: '/v1/topics/:topic/surface/export', need: 'read' },
  { name: 'verify', method: 'GET', path: '/v1/topics/:topic/verify', need: 'read' },
  { name: 'metrics', method: 'GET', path: '/metrics', need: 'read' },
  { name: 'append', method: 'POST', path: '/v1/topics/:topic/txns', need: 'write' },
  { name: 'batch', method: 'POST', path: '/v1/batch', need: 'write' },
  { name: 'sample', method: 'POST', path: '/v1/sample', need: 'write' },
  { name: 'diff', method: 'POST', path: '/v1/topics/:topic/diff', need: 'read' },
  { name: 'repair', method: 'POST', path: '/v1/topics/:topic/repair', need: 'write' },
  { name: 'invalidate', method: 'POST', path: '/v1/topics/:topic/txns/:txn/invalidate', need: 'admin' },
  {
    name: 'previewRepublish',
    method: 'GET',
    path: '/v1/topics/:topic/txns/:txn/preview-republish',
    need: 'read',
  },
  { name: 'republish', method: 'POST', path: '/v1/topics/:topic/txns/:txn/republish', need: 'write' },
  { name: 'import', method: 'POST', path: '/v1/topics/:topic/import', need: 'admin' },
];

const RANK: Record<Need, number> = { public: 0, read: 1, write: 2, admin: 3, none: 4 };

/** True when a caller with `role` (null: no valid token) may get a 2xx for a request needing `need`. */
export function mayPass(role: Role | null, need: Need): boolean {
  if (need === 'public') return true;
  if (need === 'none' || role === null) return false;
  return RANK[role] >= RANK[need];
}

export function leastNeed(a: Need, b: Need): Need {
  return RANK[a] <= RANK[b] ? a : b;
}

/** Decodes every valid %XX; where the bytes are not UTF-8, decodes the ASCII escapes only. */
function decodeLenient(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s.replace(/%([0-7][0-9a-fA-F])/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  }
}

/** Segments with empty ones (double slashes) dropped and `.`/`..` resolved (RFC 3986 5.2.4). */
function resolveSegments(segments: string[]): string[] {
  const out: string[] = [];
  for (const s of segments) {
    if (s === '' || s === '.') continue;
    if (s === '..') out.pop();
    else out.push(s);
  }
  return out;
}

function matches(def: RouteDef, method: string, segments: string[]): boolean {
  const want = def.method === 'GET' ? method === 'GET' || method === 'HEAD' : method === def.method;
  if (!want) return false;
  const pattern = def.path.split('/').filter((s) => s !== '');
  if (pattern.length !== segments.length) return false;
  return pattern.every((p, i) => (p.startsWith(':') ? true : p.toLowerCase() === segments[i]!.toLowerCase()));
}

export interface Classified {
  /** Every reading of the target is under `/v1` or `/metrics`: an API path, never the web UI. */
  api: boolean;
  /** Some reading is under `/v1` or `/metrics`. */
  anyApi: boolean;
  /** Some reading of a GET or HEAD is a UI path: the web UI may answer it, without a token. */
  ui: boolean;
  /**
   * What any other 2xx needs: the least role of the API readings that name a route; `none` when
   * some reading is an API path but none names a route; `public` when no reading is an API path.
   */
  need: Need;
  /** Routes named by some reading. */
  routes: RouteName[];
}

/** Classifies a raw request-target (origin-form or absolute-form) for `method`. */
export function classify(method: string, target: string): Classified {
  let t = target;
  const abs = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/.exec(t);
  if (abs) t = t.slice(abs[0].length) || '/';
  if (!t.startsWith('/')) return { api: true, anyApi: true, ui: false, need: 'none', routes: [] };
  t = t.split(/[?#]/, 1)[0]!;

  let apiReadings = 0;
  let uiReadings = 0;
  let need: Need = 'none';
  const routes = new Set<RouteName>();
  for (const cutSemicolon of [false, true]) {
    const p = cutSemicolon ? t.split(';', 1)[0]! : t;
    for (const slashSeparates of [false, true]) {
      const raw = slashSeparates ? decodeLenient(p).split('/') : p.split('/').map(decodeLenient);
      const segments = resolveSegments(raw);
      const first = (segments[0] ?? '').split(';', 1)[0]!.toLowerCase();
      if (first !== 'v1' && first !== 'metrics') {
        uiReadings++;
        continue;
      }
      apiReadings++;
      for (const def of ROUTES) {
        if (matches(def, method, segments)) {
          routes.add(def.name);
          need = leastNeed(need, def.need);
        }
      }
    }
  }
  return {
    api: uiReadings === 0,
    anyApi: apiReadings > 0,
    ui: uiReadings > 0 && (method === 'GET' || method === 'HEAD'),
    need: apiReadings > 0 ? need : 'public',
    routes: [...routes],
  };
}
