/**
 * Child process of bench/http.ts, so server and client each get their own core: `bare` runs a
 * minimal node:http server that reads each POST body and answers a fixed small JSON (the
 * baseline); `tidemark FILE` runs the real server (startServer over the SQLite backend, default
 * durability) on that file. Prints `listening on URL` once it accepts connections; SIGUSR2 resets its
 * CPU clock; on SIGTERM it prints `cpu {userMs, systemMs}` (CPU used since) and exits.
 */
import { createServer } from 'node:http';
import { startServer } from '../src-core/server/index';
import { openSqliteStore } from '../src-core/store/sqlite/index';

const [mode, file] = process.argv.slice(2);

/** Reports the CPU time this process used (after start-up) on stdout, then exits. */
let cpuAtStart = process.cpuUsage();
function exitWithCpu(): never {
  const u = process.cpuUsage(cpuAtStart);
  process.stdout.write(`cpu ${JSON.stringify({ userMs: u.user / 1000, systemMs: u.system / 1000 })}\n`);
  process.exit(0);
}
process.on('SIGUSR2', () => {
  cpuAtStart = process.cpuUsage();
});

if (mode === 'bare') {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      JSON.parse(body || 'null');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"txn":1,"results":[{"seq":1,"txn":1,"duplicate":false}]}');
    });
  });
  server.listen(0, '127.0.0.1', () => {
    const a = server.address();
    process.stdout.write(`listening on http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}\n`);
  });
  process.once('SIGTERM', () => server.close(() => exitWithCpu()));
} else if (mode === 'tidemark' && file) {
  const store = openSqliteStore(file);
  const server = await startServer({ store, port: 0 });
  process.stdout.write(`listening on ${server.url}\n`);
  process.once('SIGTERM', () => {
    void server
      .close()
      .then(() => store.close())
      .then(() => exitWithCpu());
  });
} else {
  process.stderr.write('usage: http-server.ts bare | tidemark FILE\n');
  process.exit(2);
}
