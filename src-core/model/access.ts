/**
 * The one home of the rule "which operation needs which role". Roles are ordered `read` <
 * `write` < `admin`; every operation of the API (named after what it does, not after its URL) needs
 * one role, or is `public` (no token). The HTTP server's route table (server/route-table.ts) names
 * each route's operation and auth enforces its role from here, the Electron connection manager
 * and the browser adapter ask `refusalFor` before running an operation, and the renderer asks it
 * to enable or disable controls; the role names of the OpenAPI document come from `ROLES`. A new
 * route must add its operation here, or the server refuses to start. Pure: no node:*, safe for
 * the browser build.
 */
import { badRequest } from './errors';

/** Every role, weakest first. */
export const ROLES = ['read', 'write', 'admin'] as const;

export type Role = (typeof ROLES)[number];

/** What an operation needs: a role, or `public` (no token at all). */
export type Need = Role | 'public';

const RANK: Record<Role, number> = { read: 1, write: 2, admin: 3 };

export function isRole(v: unknown): v is Role {
  return typeof v === 'string' && Object.hasOwn(RANK, v);
}

/** `text` as a role, or BAD_REQUEST naming `what` and the roles there are. */
export function parseRole(text: string, what: string): Role {
  if (!isRole(text)) throw badRequest(`${what}: role must be read, write or admin, got ${JSON.stringify(text)}`);
  return text;
}

/** True when `have` is `need` or stronger (read < write < admin). */
export function roleAtLeast(have: Role, need: Role): boolean {
  return RANK[have] >= RANK[need];
}

/**
 * Each operation and the role it needs. Keys are the names routes declare; see docs/http.md for
 * the route of each.
 */
export const OPERATIONS = {
  /** `GET /v1/health` */
  health: 'public',
  /** Static files of the web UI (`GET /*`); API paths that reach it are 404. */
  ui: 'public',
  /** The 404 answer of an unknown route (it reveals nothing the API description does not). */
  notFound: 'public',
  /** `GET /v1/whoami`: any valid token. */
  whoami: 'read',
  /** `GET /metrics` */
  metrics: 'read',
  /** `GET /v1/openapi.json`: the API description. */
  openapi: 'read',
  /** `GET /v1/topics` */
  'topics.list': 'read',
  /** `GET /v1/topics/{topic}` */
  'topics.info': 'read',
  /** `GET /v1/topics/{topic}/events` */
  'events.read': 'read',
  /** `GET /v1/topics/{topic}/events/stream` */
  'events.stream': 'read',
  /** `GET /v1/topics/{topic}/txns` */
  'txns.list': 'read',
  /** `GET /v1/topics/{topic}/txns/{txn}` */
  'txns.get': 'read',
  /** `GET /v1/topics/{topic}/timeline` */
  'topics.timeline': 'read',
  /** `GET /v1/topics/{topic}/surface` */
  'surface.read': 'read',
  /** `GET /v1/topics/{topic}/surface/export` */
  'surface.export': 'read',
  /** `POST /v1/topics/{topic}/diff`: compares, writes nothing. */
  diff: 'read',
  /** `POST /v1/topics/{topic}/repair`: writes the corrections a diff implies. */
  repair: 'write',
  /** `GET /v1/topics/{topic}/txns/{txn}/preview-invalidate`: computes, writes nothing. */
  previewInvalidate: 'read',
  /** `GET /v1/topics/{topic}/txns/{txn}/preview-republish`: computes, writes nothing. */
  previewRepublish: 'read',
  /** `POST /v1/topics/{topic}/txns` */
  'txns.append': 'write',
  /** `POST /v1/batch` */
  batch: 'write',
  /** `POST /v1/sample` */
  'sample.load': 'write',
  /**
   * `POST /v1/topics/{topic}/txns/{txn}/republish`: appends events a writer could append anyway
   * (the invalidated transaction's own), so the write role, not admin.
   */
  'txns.republish': 'write',
  /** `POST /v1/topics/{topic}/txns/{txn}/invalidate` */
  'txns.invalidate': 'admin',
  /**
   * `POST /v1/topics/{topic}/import`: writes transactions with the numbers, times, hashes and `by`
   * of another store (copy, replication), so admin.
   */
  'topics.import': 'admin',
  // --- verify (issue 13) ---
  /** `GET /v1/topics/{topic}/verify`: checks the stored log, writes nothing. */
  'topics.verify': 'read',
  // --- end verify ---
} as const satisfies Record<string, Need>;

export type Operation = keyof typeof OPERATIONS;

export function isOperation(v: unknown): v is Operation {
  return typeof v === 'string' && Object.hasOwn(OPERATIONS, v);
}

/** The role `op` needs, or `public`. */
export function needOf(op: Operation): Need {
  return OPERATIONS[op];
}

/** True when a caller with `role` may run `op` (every role may run a public operation). */
export function allows(role: Role, op: Operation): boolean {
  const need = needOf(op);
  return need === 'public' || roleAtLeast(role, need);
}

/** True when `op` changes the store (needs more than `read`): refused on a read-only connection. */
export function changesStore(op: Operation): boolean {
  const need = needOf(op);
  return need !== 'public' && need !== 'read';
}

/** Why a connection may not run an operation: it is read-only and the operation writes, or its role is too small. */
export type Refusal = { reason: 'readOnly' } | { reason: 'role'; need: Role };

/**
 * Whether a connection (a read-only flag and the role its server granted) may run `op`: null when
 * it may, else why not. The Electron connection manager and the browser adapter both ask this and
 * word the refusal for their own callers.
 */
export function refusalFor(conn: { readOnly: boolean; role: Role }, op: Operation): Refusal | null {
  if (conn.readOnly && changesStore(op)) return { reason: 'readOnly' };
  const need = needOf(op);
  return need === 'public' || roleAtLeast(conn.role, need) ? null : { reason: 'role', need };
}
