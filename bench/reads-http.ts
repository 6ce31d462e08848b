/**
 * The HTTP side of the read benchmark (bench/reads.ts): a real server in a child process
 * (bench/http-server.ts) over the bench's file, and the clients that read the bench's topic from
 * it: events pages with the one-page read-ahead (`Tidemark-Next`), every `GET …/txns/N`, the SSE
 * backlog, the surface export and the HTTP store's `eventPages`; and the server's CPU from /proc.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { type Agent, type IncomingMessage, request } from 'node:http';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { HttpEventStore } from '../src-core/store/http/index';
import { NEXT_HEADER } from '../src-core/wire/pages';
import { type ChildCpu, listening } from './util';

/** The topic the clients read: its name, events, transactions, and the page size they ask for. */
export interface ReadTopic {
  name: string;
  events: number;
  txns: number;
  page: number;
}

export async function startServer(
  file: string,
): Promise<{ url: string; child: ChildProcess; cpu: () => ChildCpu | null }> {
  const script = fileURLToPath(new URL('./http-server.ts', import.meta.url));
  // node itself (as bench/http.ts starts it), so the signals below reach the server, not a wrapper.
  const child = spawn(process.execPath, ['--import', 'tsx', script, 'tidemark', file], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const out = await listening(child, 'bench server');
  return { url: out.url, child, cpu: out.cpu };
}

/** GETs one path; resolves with the response once its headers are in (status checked). */
function getResponse(agent: Agent, url: URL): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      if (res.statusCode === 200) resolve(res);
      else reject(new Error(`GET ${url.pathname}: ${res.statusCode}`));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The body of `res` as text. */
function bodyText(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
  });
}

/**
 * Pages read in order by a bare node:http client: each body is read whole and its cursor taken from
 * its tail (so what is measured is the server writing pages, not a JSON parse); the next page is
 * asked for as soon as a response's headers announce its cursor (`Tidemark-Next`), one page ahead,
 * as the HTTP store's `eventPages` does.
 */
export async function httpRead(t: ReadTopic, agent: Agent, base: string): Promise<number> {
  let after = 0;
  let rows = 0;
  const url = (a: number): URL => new URL(`/v1/topics/${t.name}/events?after=${a}&limit=${t.page}`, base);
  let pending: Promise<IncomingMessage> | null = getResponse(agent, url(0));
  while (pending) {
    const res: IncomingMessage = await pending;
    const next = res.headers[NEXT_HEADER];
    pending = typeof next === 'string' && next !== 'null' ? getResponse(agent, url(Number(next))) : null;
    const body = await bodyText(res);
    const m = /"next":(null|\d+)\}$/.exec(body);
    if (!m) throw new Error('a page without "next" at its end');
    if (next !== undefined && m[1] !== next) throw new Error(`a page announced ${String(next)} and ends with ${m[1]}`);
    if (m[1] === 'null') return rows + t.events - after;
    rows += Number(m[1]) - after;
    after = Number(m[1]);
    // A server without the header: one page at a time.
    if (next === undefined) pending = getResponse(agent, url(after));
  }
  throw new Error('the pages ended without a last one');
}

/** Every transaction as `GET …/txns/N`, each body read whole; the events counted from its `count`. */
export async function httpTxns(t: ReadTopic, agent: Agent, base: string): Promise<number> {
  let rows = 0;
  for (let n = 1; n <= t.txns; n++) {
    const body = await bodyText(await getResponse(agent, new URL(`/v1/topics/${t.name}/txns/${n}`, base)));
    const m = /"count":(\d+)/.exec(body.slice(0, 300));
    if (!m) throw new Error(`txn ${n}: no count`);
    rows += Number(m[1]);
  }
  return rows;
}

/**
 * The whole topic as the SSE stream's backlog (`GET …/events/stream?after=0`), read until the last
 * event's id arrives; the bytes are scanned for that id only (not parsed), so what is measured is
 * the server writing the stream.
 */
export function httpSse(t: ReadTopic, base: string): Promise<number> {
  const needle = `\nid: ${t.events}\n`;
  return new Promise((resolve, reject) => {
    const req = request(new URL(`/v1/topics/${t.name}/events/stream?after=0`, base), { agent: false }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`SSE: ${res.statusCode}`));
      let tail = '';
      res.on('data', (c: Buffer) => {
        const text = tail + c.toString('latin1');
        const at = text.indexOf(needle);
        // Done once the last event's data line has ended too.
        if (at >= 0 && text.indexOf('\n\n', at) >= 0) {
          req.destroy();
          resolve(t.events);
        }
        tail = at >= 0 ? text.slice(at) : text.slice(-needle.length);
      });
      res.on('error', () => undefined);
    });
    req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
    req.end();
  });
}

/** The surface export in CSV and in NDJSON, each body read whole; returns its records (rows, no header). */
export async function httpExport(t: ReadTopic, agent: Agent, base: string): Promise<number> {
  let rows = 0;
  for (const format of ['csv', 'ndjson']) {
    const url = new URL(`/v1/topics/${t.name}/surface/export?format=${format}`, base);
    const body = await bodyText(await getResponse(agent, url));
    let lines = 0;
    for (let i = body.indexOf('\n'); i >= 0; i = body.indexOf('\n', i + 1)) lines++;
    rows += format === 'csv' ? lines - 1 : lines;
  }
  return rows;
}

/** CPU (user + system) process `pid` has used so far, µs, from /proc (Linux; ticks of 10 ms); null elsewhere. */
function procCpuUs(pid: number | undefined): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100;
  } catch {
    return null;
  }
}

/** `scan` with the CPU the server process spends meanwhile added to `spent[label]`. */
export function serverCpuOf(
  spent: Map<string, number>,
  label: string,
  pid: number | undefined,
  scan: () => Promise<number>,
): () => Promise<number> {
  return async () => {
    const c0 = procCpuUs(pid);
    const rows = await scan();
    const c1 = procCpuUs(pid);
    if (c0 !== null && c1 !== null) spent.set(label, (spent.get(label) ?? 0) + c1 - c0);
    return rows;
  };
}

/** The same pages through the HTTP store's `eventPages` (fetch, each page JSON-parsed). */
export async function httpStoreRead(t: ReadTopic, store: HttpEventStore): Promise<number> {
  let rows = 0;
  for await (const p of store.eventPages(t.name, { limit: t.page })) rows += p.events.length;
  return rows;
}
