/**
 * Child process of bench/fanout.ts (the live fan-out section), so the server's process is measured
 * apart from the receivers and the appender. `tidemark FILE` runs the real server (startServer over
 * the SQLite backend, default durability) on that file; `bare BYTES` runs the baseline: a minimal
 * node:http SSE server. The baseline takes `POST /append` with the same body as
 * `POST /v1/topics/{t}/txns` ({"events":[...]}), parses it, numbers its events 1, 2, 3... and
 * writes them to every client of `GET /stream` as `id: <n>\ndata: <JSON>\n\n`, one write per
 * request (what Tidemark's hub does with one committed transaction); each event's JSON is padded
 * to BYTES characters, Tidemark's size for the same event. No backpressure, no store, no limits.
 * Prints `listening on URL` once it accepts connections; SIGUSR2 resets its CPU clock; on SIGTERM
 * it prints `cpu {userMs, systemMs}` (CPU used since) and exits; on SIGUSR1 it prints `step-cpu MS`,
 * the CPU ms used since the previous SIGUSR1.
 */
import { type ServerResponse, createServer } from 'node:http';
import { startServer } from '../src-core/server/index';
import { openSqliteStore } from '../src-core/store/sqlite/index';

const [mode, arg] = process.argv.slice(2);

let cpuAtStart = process.cpuUsage();
function exitWithCpu(): never {
  const u = process.cpuUsage(cpuAtStart);
  process.stdout.write(`cpu ${JSON.stringify({ userMs: u.user / 1000, systemMs: u.system / 1000 })}\n`);
  process.exit(0);
}
process.on('SIGUSR2', () => {
  cpuAtStart = process.cpuUsage();
});
// A step's CPU: on SIGUSR1, prints `step-cpu MS` (CPU ms since the previous SIGUSR1 or start).
let stepAt = process.cpuUsage();
process.on('SIGUSR1', () => {
  const u = process.cpuUsage(stepAt);
  stepAt = process.cpuUsage();
  process.stdout.write(`step-cpu ${(u.user + u.system) / 1000}\n`);
});

interface BareEvent {
  key: string;
  data: unknown;
}

if (mode === 'bare' && arg) {
  const bytes = Number(arg);
  const clients = new Set<ServerResponse>();
  let seq = 0;
  let txn = 0;
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/stream') {
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
      res.write(': connected\n\n');
      clients.add(res);
      res.on('close', () => clients.delete(res));
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { events: BareEvent[] };
      txn++;
      let out = '';
      for (const e of body.events) {
        seq++;
        const json = JSON.stringify({ seq, txn, key: e.key, data: e.data, pad: '' });
        const pad = Math.max(0, bytes - json.length);
        out += `id: ${seq}\ndata: ${json.slice(0, -2)}${'x'.repeat(pad)}"}\n\n`;
      }
      for (const c of clients) c.write(out);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`{"txn":${txn},"last":${seq}}`);
    });
  });
  server.listen(0, '127.0.0.1', () => {
    const a = server.address();
    process.stdout.write(`listening on http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}\n`);
  });
  process.once('SIGTERM', () => {
    for (const c of clients) c.end();
    server.close(() => exitWithCpu());
  });
} else if (mode === 'tidemark' && arg) {
  const store = openSqliteStore(arg);
  const server = await startServer({ store, port: 0 });
  process.stdout.write(`listening on ${server.url}\n`);
  process.once('SIGTERM', () => {
    void server
      .close()
      .then(() => store.close())
      .then(() => exitWithCpu());
  });
} else {
  process.stderr.write('usage: fanout-server.ts bare BYTES | tidemark FILE\n');
  process.exit(2);
}
