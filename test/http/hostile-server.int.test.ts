/**
 * A hostile server cannot make a client buffer without end (src-core/wire/body-read.ts). A real
 * `node:http` server on a loopback port answers the Node client (`openHttpStore`, what
 * `tidemark --url` uses) with answers that never end: a JSON page, an error body, an NDJSON line,
 * a live-stream event, or a `Content-Length` past the bound. The client refuses each with an error
 * naming the request and the bound, and lets the connection go: the server sees it closed after
 * about the bound's bytes (what the client read plus the sockets' buffers), never more. The bounds
 * are the real defaults (`LIMITS`), so these tests move 512 MiB over loopback each.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { TidemarkError } from '../../src-core/model/errors';
import { LIMITS } from '../../src-core/model/limits';
import { openHttpStore } from '../../src-core/store/http/index';
import { answerTooLarge } from '../../src-core/wire/body-read';
import { cleanupsAfterEach } from '../cleanups';

const cleanups = cleanupsAfterEach();

/** What the hostile server writes for ever (until the client goes, or `SENT_MAX` as a stop for the test itself). */
interface Endless {
  status: number;
  type: string;
  /** Written once first. */
  head?: string;
  /** Written again and again. */
  piece: string;
}

/** The server stops by itself past this, so a client that never refuses fails the test instead of hanging. */
const SENT_MAX = 3 * LIMITS.answerBytesMax;

interface Hostile {
  url: string;
  /** Bytes written to each answer, by path, once its connection closed. */
  sent: Map<string, number>;
  closed: (path: string) => Promise<number>;
}

async function hostileServer(routes: Record<string, Endless | 'declared'>): Promise<Hostile> {
  const sent = new Map<string, number>();
  const waiters = new Map<string, (n: number) => void>();
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '').split('?', 1)[0]!;
    const route = routes[path];
    if (route === undefined) {
      res.writeHead(404).end();
      return;
    }
    if (route === 'declared') {
      // A length past the bound, and a few bytes: the client must not wait for the rest.
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(LIMITS.answerBytesMax + 1) });
      res.write('{"events":[');
      res.on('close', () => waiters.get(path)?.(0));
      return;
    }
    res.writeHead(route.status, { 'content-type': route.type });
    let n = 0;
    const piece = Buffer.from(route.piece.repeat(Math.ceil((1 << 20) / route.piece.length)));
    let open = true;
    res.on('close', () => {
      open = false;
      sent.set(path, n);
      waiters.get(path)?.(n);
    });
    const pump = (): void => {
      while (open && n < SENT_MAX) {
        n += piece.length;
        if (!res.write(piece)) {
          res.once('drain', pump);
          return;
        }
      }
      if (open) res.end();
    };
    if (route.head !== undefined) {
      n += Buffer.byteLength(route.head);
      res.write(route.head);
    }
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    sent,
    closed: (path) =>
      new Promise<number>((resolve) => {
        const n = sent.get(path);
        if (n !== undefined) resolve(n);
        else waiters.set(path, resolve);
      }),
  };
}

/** The Node client of the hostile server, closed after the test. */
function clientOf(s: Hostile): ReturnType<typeof openHttpStore> {
  const store = openHttpStore({ url: s.url });
  cleanups.push(() => store.close());
  return store;
}

/** The answer was let go soon after the bound: what the client read, plus what the sockets held. */
function expectCutNearBound(sent: number): void {
  expect(sent).toBeGreaterThan(LIMITS.answerBytesMax);
  expect(sent).toBeLessThan(LIMITS.answerBytesMax + 64 * 1024 * 1024);
}

const EVENTS = '/v1/topics/t/events';

describe('a hostile server', () => {
  it('cannot make a page answer grow without end: the client refuses it past 512 MiB', async () => {
    const s = await hostileServer({
      [EVENTS]: { status: 200, type: 'application/json', head: '{"events":[', piece: '{"seq":1},' },
    });
    const store = clientOf(s);
    const err = await store.readEvents('t').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TidemarkError);
    expect((err as TidemarkError).code).toBe('INTERNAL');
    expect((err as TidemarkError).message).toBe(answerTooLarge(`GET ${EVENTS}`, LIMITS.answerBytesMax).message);
    expectCutNearBound(await s.closed(EVENTS));
  });

  it('is refused at once when its Content-Length passes the bound', async () => {
    const s = await hostileServer({ [EVENTS]: 'declared' });
    const store = clientOf(s);
    await expect(store.readEvents('t')).rejects.toThrow(answerTooLarge(`GET ${EVENTS}`, LIMITS.answerBytesMax));
    await s.closed(EVENTS);
  });

  it('cannot make an error body grow without end: past 1 MiB the status says what failed', async () => {
    const s = await hostileServer({ '/v1/topics': { status: 503, type: 'text/html', piece: '<p>busy</p>' } });
    const store = clientOf(s);
    const err = await store.listTopics().catch((e: unknown) => e);
    expect((err as TidemarkError).code).toBe('UNAVAILABLE');
    expect((err as TidemarkError).message).toBe('GET /v1/topics failed: the server answered 503');
    const sent = await s.closed('/v1/topics');
    expect(sent).toBeGreaterThan(LIMITS.errorAnswerBytesMax);
    expect(sent).toBeLessThan(LIMITS.errorAnswerBytesMax + 64 * 1024 * 1024);
  });

  it('cannot make one NDJSON line grow without end (verify)', async () => {
    const path = '/v1/topics/t/verify';
    const s = await hostileServer({
      [path]: { status: 200, type: 'application/x-ndjson', head: '{"progress":', piece: '[1,' },
    });
    const store = clientOf(s);
    await expect(store.verify('t')).rejects.toThrow(answerTooLarge('verify of t', LIMITS.answerBytesMax, 'line'));
    expectCutNearBound(await s.closed(path));
  });

  it('cannot make one live-stream event grow without end: the tail reports it and lets the stream go', async () => {
    const path = '/v1/topics/t/events/stream';
    const s = await hostileServer({
      [path]: { status: 200, type: 'text/event-stream', head: 'data: ', piece: '[1,2,3]' },
    });
    const store = clientOf(s);
    const failed = new Promise<unknown>((resolve) => {
      const stop = store.tail('t', 0, () => undefined, {
        reconnectMs: 60_000,
        onError: (err) => {
          stop();
          resolve(err);
        },
      });
    });
    const err = await failed;
    expect((err as TidemarkError).code).toBe('INTERNAL');
    expect((err as TidemarkError).message).toBe(
      answerTooLarge('The live tail', LIMITS.answerBytesMax, 'event', 'characters').message,
    );
    expectCutNearBound(await s.closed(path));
  });
});
