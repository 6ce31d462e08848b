/**
 * Shared set-up of the HTTP tests: a real server on 127.0.0.1 port 0 over a fresh SQLite file in a
 * temp dir, a small fetch helper that returns status, headers and parsed JSON, `snapshot` for
 * the "a failed request changed nothing" checks, and `readSse`, a reader of one live stream.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createParser } from 'eventsource-parser';
import type { StoredEvent, TopicInfo } from '../../src-core/model/types';
import { startServer, type ServerOptions } from '../../src-core/server/index';
import { openSqliteStore, type SqliteEventStore } from '../../src-core/store/sqlite/index';
import type { EventStore } from '../../src-core/store/types';

export { errorOf } from './envelope';

export interface TestServer {
  url: string;
  store: SqliteEventStore;
  dir: string;
  close(): Promise<void>;
}

export function tempDir(prefix = 'tidemark-http-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function startTestServer(opts: Omit<ServerOptions, 'store'> = {}): Promise<TestServer> {
  const dir = tempDir();
  const store = openSqliteStore(join(dir, 'store.db'));
  const server = await startServer({ store, port: 0, ...opts });
  return {
    url: server.url,
    store,
    dir,
    close: async () => {
      await server.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

export async function call(
  url: string,
  init: { method?: string; body?: string | Uint8Array; headers?: Record<string, string>; token?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
  if (typeof init.body === 'string' && headers['content-type'] === undefined)
    headers['content-type'] = 'application/json';
  const res = await fetch(url, { method: init.method ?? 'GET', headers, body: init.body ?? null });
  const text = await res.text();
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    body = null;
  }
  return { status: res.status, headers: res.headers, body, text };
}

/** Every topic's counters: equal before and after means nothing was written. */
export async function snapshot(store: EventStore): Promise<TopicInfo[]> {
  return store.listTopics();
}

export function ev(key: string, data: unknown): { key: string; data: unknown } {
  return { key, data };
}

/** One SSE stream as a test sees it: what arrived, in order, and whether the server ended it. */
export interface SseReader {
  /** The response status (null until the headers arrived). */
  status: number | null;
  headers: Headers | null;
  /** The body of a non-200 answer. */
  text: string;
  ids: number[];
  events: StoredEvent[];
  comments: string[];
  /** The `event: error` messages, parsed. */
  errors: { code: string; message: string }[];
  /** Every message in arrival order: `id:<seq>` or `error:<code>`. */
  log: string[];
  /** The server ended the response (or it failed); false while it is open or after `stop`. */
  ended: boolean;
  until(pred: () => boolean, ms?: number): Promise<void>;
  stop(): void;
}

export function readSse(url: string, headers: Record<string, string> = {}): SseReader {
  const ac = new AbortController();
  const r: SseReader = {
    status: null,
    headers: null,
    text: '',
    ids: [],
    events: [],
    comments: [],
    errors: [],
    log: [],
    ended: false,
    until: async (pred, ms = 20_000) => {
      const end = Date.now() + ms;
      while (!pred()) {
        if (Date.now() > end) throw new Error(`condition not reached; so far: ${r.log.slice(-20).join(' ')}`);
        await new Promise((res) => setTimeout(res, 10));
      }
    },
    stop: () => ac.abort(),
  };
  const parser = createParser({
    onEvent: (m) => {
      if (m.event === 'error') {
        const e = (JSON.parse(m.data) as { error: { code: string; message: string } }).error;
        r.errors.push(e);
        r.log.push(`error:${e.code}`);
        return;
      }
      r.ids.push(Number(m.id));
      r.events.push(JSON.parse(m.data) as StoredEvent);
      r.log.push(`id:${m.id}`);
    },
    onComment: (c) => r.comments.push(c),
  });
  void (async () => {
    try {
      const res = await fetch(url, { headers, signal: ac.signal });
      r.headers = res.headers;
      r.status = res.status;
      if (res.status !== 200) {
        r.text = await res.text();
        r.ended = true;
        return;
      }
      const dec = new TextDecoder();
      for await (const chunk of res.body as AsyncIterable<Uint8Array>) parser.feed(dec.decode(chunk, { stream: true }));
      r.ended = !ac.signal.aborted;
    } catch {
      r.ended = !ac.signal.aborted;
    }
  })();
  return r;
}
