/**
 * Helpers of the services tests: `countingServer` runs the real Tidemark server (buildApp, listening
 * on 127.0.0.1 port 0) over a given store and records every request it receives (method and path,
 * from the Node server's own `request` event, so nothing the client sends goes uncounted);
 * `seed` writes a topic whose surface has the awkward rows (keys with a newline, quotes, commas,
 * formula-like text; a tombstone; an invalidated transaction) and two snapshots of it that
 * differ in every way a diff reports.
 */
import type { IncomingMessage } from 'node:http';
import { buildApp } from '../../src-core/server/app';
import type { AppOptions } from '../../src-core/server/app';
import { formatUrl } from '../../src-core/server/index';
import type { EventStore } from '../../src-core/store/types';

export interface CountingServer {
  url: string;
  /** `METHOD /path` of every request received, query left out, in arrival order. */
  requests: string[];
  /** How many requests were exactly `METHOD path`. */
  count(method: string, path: string): number;
  close(): Promise<void>;
}

export async function countingServer(store: EventStore, opts: Omit<AppOptions, 'store'> = {}): Promise<CountingServer> {
  const { app, beginClosing } = buildApp({ store, ...opts });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (typeof address !== 'object' || address === null) throw new Error('the server has no port');
  const requests: string[] = [];
  app.server.on('request', (req: IncomingMessage) => {
    requests.push(`${req.method ?? '?'} ${(req.url ?? '').split('?', 1)[0]!}`);
  });
  return {
    url: formatUrl('127.0.0.1', address.port),
    requests,
    count: (method, path) => requests.filter((r) => r === `${method} ${path}`).length,
    close: async () => {
      beginClosing();
      app.server.closeAllConnections();
      await app.close();
    },
  };
}

export const TOPIC = 'svc.t';

/** Keys that a CSV must quote: a newline, a CRLF, quotes, a comma, formula-like text. */
export const AWKWARD_KEYS = ['line\nbreak', 'crlf\r\nkey', 'say "hi", twice', '=1+1', ' padded '];

/**
 * Writes TOPIC: 40 plain keys and the awkward ones (txn 1), an update (txn 2), a bad batch (txn 3,
 * invalidated by txn 4) and a tombstone (txn 5).
 */
export async function seed(store: EventStore): Promise<void> {
  const plain = Array.from({ length: 40 }, (_, i) => ({
    key: `k${String(i).padStart(2, '0')}`,
    data: { n: i, s: `v${i}`, note: i % 7 === 0 ? 'two\nlines, "quoted"' : 'x' },
  }));
  const awkward = AWKWARD_KEYS.map((key, i) => ({ key, data: { n: 100 + i, s: key } }));
  await store.append(TOPIC, { events: [...plain, ...awkward] });
  await store.append(TOPIC, { events: [{ key: 'k01', data: { n: 1001, s: 'v1', note: 'x' } }] });
  const bad = await store.append(TOPIC, {
    events: [
      { key: 'k02', data: { n: -2, s: 'bad', note: 'x' } },
      { key: 'k03', data: { n: -3, s: 'bad', note: 'x' } },
      { key: 'new', data: { n: 0, s: 'bad', note: 'x' } },
    ],
  });
  await store.invalidate(TOPIC, bad.txn!, 'bad feed');
  await store.append(TOPIC, { events: [{ key: 'k04', data: null }] });
}

/** NDJSON snapshot of TOPIC: k05 different, k06 missing, `extra` missing in the store, the rest equal. */
export function snapshotNdjson(): string {
  const lines: string[] = [];
  for (let i = 0; i < 40; i++) {
    if (i === 4 || i === 6) continue;
    const n = i === 1 ? 1001 : i === 5 ? 55 : i;
    lines.push(JSON.stringify({ id: `k${String(i).padStart(2, '0')}`, n, s: `v${i}` }));
  }
  AWKWARD_KEYS.forEach((key, i) => lines.push(JSON.stringify({ id: key, n: 100 + i, s: key })));
  lines.push(JSON.stringify({ id: 'extra', n: 1, s: 'e' }));
  return lines.join('\n') + '\n';
}

/** The same snapshot as CSV (quoted cells where needed, a quoted newline in a key). */
export function snapshotCsv(): string {
  const cell = (v: string | number): string => {
    const s = String(v);
    return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const rows = snapshotNdjson()
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { id: string; n: number; s: string });
  return ['id,n,s', ...rows.map((r) => [r.id, r.n, r.s].map(cell).join(','))].join('\r\n') + '\r\n';
}

/** Chunks of `text` as a snapshot body, `size` bytes each. */
export async function* chunks(text: string, size = 64): AsyncGenerator<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

/** Everything an async iterable of text yields, joined. */
export async function collect(text: AsyncIterable<string>): Promise<string> {
  let out = '';
  for await (const s of text) out += s;
  return out;
}
