/**
 * Child process of bench/fanout.ts: the SSE receivers, in their own process so the server's is
 * measured apart. Driven over IPC:
 * - `{cmd:'connect', url, clients, sampleEvery}` opens `clients` streams on `url` (each its own
 *   socket) and answers `{type:'connected'}` once every one has its response headers;
 * - `{cmd:'expect', last, waitMs}` waits until every client has received id `last` (or `waitMs`
 *   passed) and answers with the step's figures (see StepResult), then starts a new step;
 * - `{cmd:'close'}` destroys the sockets and exits.
 * Receivers do the least a real consumer must: they find each event's `id:` line and check it is
 * exactly one more than the last (a gap or a duplicate is counted), and JSON-parse only every
 * `sampleEvery`-th event (client i starting at offset i, so samples cover all events), reading the
 * send time `data.t` the appender embedded to record delivery latency.
 */
import { type ClientRequest, request } from 'node:http';
import { performance } from 'node:perf_hooks';

export interface StepResult {
  type: 'result';
  /** Whether every client had received id `last` within `waitMs`. */
  arrived: boolean;
  /** Ms waited for the last client after the request. */
  waitedMs: number;
  /** Events out of order: id not exactly last + 1 (a gap) or not above the last (a duplicate). */
  gaps: number;
  dups: number;
  /** Events received by all clients in this step and their bytes. */
  events: number;
  bytes: number;
  /** Delivery latencies (receive time - embedded send time), ms, of the sampled events. */
  latencies: number[];
  /** Lowest last id over the clients. */
  minLast: number;
}

interface Client {
  req: ClientRequest;
  last: number;
  rem: string;
  n: number;
}

const wallNow = (): number => performance.timeOrigin + performance.now();

const clients: Client[] = [];
let gaps = 0;
let dups = 0;
let events = 0;
let bytes = 0;
let latencies: number[] = [];
let sampleEvery = 64;
let waiter: (() => void) | null = null;

function onText(c: Client, chunk: string): void {
  bytes += chunk.length;
  const text = c.rem.length > 0 ? c.rem + chunk : chunk;
  const cut = text.lastIndexOf('\n\n');
  if (cut < 0) {
    c.rem = text;
    return;
  }
  c.rem = text.slice(cut + 2);
  let pos = 0;
  const stop = cut + 2;
  while (pos < stop) {
    const end = text.indexOf('\n\n', pos);
    if (text.startsWith('id: ', pos)) {
      const nl = text.indexOf('\n', pos);
      const id = Number(text.slice(pos + 4, nl));
      if (id === c.last + 1) c.last = id;
      else if (id <= c.last) dups++;
      else {
        gaps++;
        c.last = id;
      }
      events++;
      if (++c.n % sampleEvery === 0 && text.startsWith('data: ', nl + 1)) {
        const e = JSON.parse(text.slice(nl + 7, end)) as { data?: { t?: unknown } };
        if (typeof e.data?.t === 'number') latencies.push(wallNow() - e.data.t);
      }
    }
    pos = end + 2;
  }
  if (waiter) waiter();
}

function minLast(): number {
  let m = Infinity;
  for (const c of clients) m = Math.min(m, c.last);
  return m;
}

function connect(url: string, count: number, after: number): Promise<void> {
  let pending = count;
  return new Promise((resolve, reject) => {
    for (let i = 0; i < count; i++) {
      const c: Client = { req: null as unknown as ClientRequest, last: after, rem: '', n: i };
      c.req = request(url, { headers: { accept: 'text/event-stream' }, agent: false }, (res) => {
        if (res.statusCode !== 200) return reject(new Error(`stream ${i}: HTTP ${res.statusCode}`));
        res.setEncoding('utf8');
        res.on('data', (s: string) => onText(c, s));
        if (--pending === 0) resolve();
      });
      c.req.on('error', (err) => (pending > 0 ? reject(err) : undefined));
      c.req.end();
      clients.push(c);
    }
  });
}

async function expect(last: number, waitMs: number): Promise<StepResult> {
  const t0 = performance.now();
  while (minLast() < last && performance.now() - t0 < waitMs) {
    await new Promise<void>((resolve) => {
      waiter = resolve;
      setTimeout(resolve, 20);
    });
    waiter = null;
  }
  const r: StepResult = {
    type: 'result',
    arrived: minLast() >= last,
    waitedMs: performance.now() - t0,
    gaps,
    dups,
    events,
    bytes,
    latencies,
    minLast: minLast(),
  };
  gaps = dups = events = bytes = 0;
  latencies = [];
  return r;
}

interface Command {
  cmd: 'connect' | 'expect' | 'close';
  url?: string;
  clients?: number;
  after?: number;
  sampleEvery?: number;
  last?: number;
  waitMs?: number;
}

process.on('message', (m: Command) => {
  const send = (v: unknown): void => void process.send?.(v);
  if (m.cmd === 'connect') {
    sampleEvery = m.sampleEvery ?? 64;
    connect(m.url!, m.clients!, m.after ?? 0).then(
      () => send({ type: 'connected' }),
      (err: unknown) => send({ type: 'error', message: String(err) }),
    );
  } else if (m.cmd === 'expect') {
    void expect(m.last!, m.waitMs!).then(send);
  } else {
    for (const c of clients) c.req.destroy();
    process.disconnect?.();
    process.exit(0);
  }
});
