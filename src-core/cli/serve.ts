/**
 * `tidemark serve`: runs the HTTP server (src-core/server) over a SQLite file (`--db`, default
 * ./tidemark.db) or PostgreSQL (`--pg`, schema `--pg-schema`, default tidemark). Tokens come from
 * `--token TOKEN:ROLE` (repeatable) and/or `--tokens-file` (one `TOKEN ROLE` per line; blank lines
 * and `#` comments skipped). Without any token the server is open and refuses to bind anything but
 * a loopback address. The first line
 * on stdout is exactly `listening on http://HOST:PORT`; `--open` then opens the web UI in the default
 * browser (open-browser.ts). SIGTERM/SIGINT: stop accepting, let
 * in-flight requests (writes) finish, close the store, exit 0; a second signal exits at once (1),
 * and so does a shutdown still unfinished after 30 s.
 */
import { readFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { badRequest } from '../model/errors';
import { LIMITS } from '../model/limits';
import type { Role } from '../model/types';
import { isLoopback, isRole } from '../server/auth';
import { openStoreFromOptions } from '../store/open';
import { openInBrowser } from './open-browser';
import { parseRange } from './options';

/** How long a graceful shutdown may take before the process gives up and exits 1. */
const SHUTDOWN_MS = 30_000;

interface ServeOptions {
  db?: string;
  pg?: string;
  pgSchema?: string;
  host: string;
  port: number;
  token: string[];
  tokensFile?: string;
  bodyLimit?: number;
  static?: string;
  open?: boolean;
}

const collect = (v: string, prev: string[]): string[] => [...prev, v];

export { isLoopback };

function addToken(tokens: Map<string, Role>, token: string, role: string, where: string): void {
  if (!isRole(role)) throw badRequest(`${where}: role must be read, write or admin, got ${JSON.stringify(role)}`);
  if (token.length === 0 || /\s/.test(token)) throw badRequest(`${where}: the token must be non-empty with no spaces`);
  const had = tokens.get(token);
  if (had !== undefined && had !== role) throw badRequest(`${where}: this token was already given the ${had} role`);
  tokens.set(token, role);
}

/** `--token TOKEN:ROLE` values and the `--tokens-file` text, merged. */
export function parseTokens(flags: string[], file?: { name: string; text: string }): Map<string, Role> {
  const tokens = new Map<string, Role>();
  for (const flag of flags) {
    const i = flag.lastIndexOf(':');
    if (i <= 0) throw badRequest(`--token: expected TOKEN:ROLE (e.g. s3cret:admin), got a value without ":ROLE"`);
    addToken(tokens, flag.slice(0, i), flag.slice(i + 1), '--token');
  }
  if (file) {
    const lines = file.text.split(/\r?\n/);
    lines.forEach((raw, n) => {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) return;
      const where = `--tokens-file ${file.name} line ${n + 1}`;
      const parts = line.split(/\s+/);
      if (parts.length !== 2) throw badRequest(`${where}: expected "TOKEN ROLE" (two fields), got ${parts.length}`);
      addToken(tokens, parts[0]!, parts[1]!, where);
    });
  }
  return tokens;
}

async function serve(o: ServeOptions): Promise<void> {
  let fileText: { name: string; text: string } | undefined;
  if (o.tokensFile !== undefined) {
    try {
      fileText = { name: o.tokensFile, text: readFileSync(o.tokensFile, 'utf8') };
    } catch {
      throw badRequest(`--tokens-file: cannot read ${o.tokensFile}`);
    }
  }
  const tokens = parseTokens(o.token, fileText);
  if (tokens.size === 0 && !isLoopback(o.host)) {
    throw badRequest(
      `refusing to listen on ${o.host} without tokens: give --token TOKEN:ROLE or --tokens-file, or bind a loopback address such as 127.0.0.1`,
    );
  }
  const storeOpts: { db?: string; pg?: string; pgSchema?: string } = {};
  if (o.db !== undefined) storeOpts.db = o.db;
  if (o.pg !== undefined) storeOpts.pg = o.pg;
  if (o.pgSchema !== undefined) storeOpts.pgSchema = o.pgSchema;
  // Loaded here, not at the top: `tidemark --help` and the other commands need no HTTP server.
  const { startServer } = await import('../server/index');
  const store = await openStoreFromOptions(storeOpts);
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer({
      store,
      host: o.host,
      port: o.port,
      tokens,
      bodyLimit: o.bodyLimit ?? LIMITS.bodyBytesDefault,
      ...(o.static !== undefined ? { staticDir: o.static } : {}),
      logger: { level: 'error', stream: process.stderr },
    });
  } catch (err) {
    await store.close();
    throw err;
  }
  process.stdout.write(`listening on ${server.url}\n`);
  if (o.open === true) openInBrowser(browserUrl(server.url, o.host));

  await new Promise<void>((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopping) {
        process.stderr.write(`tidemark: ${signal} again, exiting now\n`);
        process.exit(1);
      }
      stopping = true;
      const deadline = setTimeout(() => {
        process.stderr.write(`tidemark: shutdown did not finish in ${SHUTDOWN_MS / 1000} s, exiting\n`);
        process.exit(1);
      }, SHUTDOWN_MS);
      deadline.unref();
      void (async () => {
        try {
          await server.close();
          await store.close();
        } catch (err) {
          process.stderr.write(`tidemark: shutdown: ${err instanceof Error ? err.message : String(err)}\n`);
          process.exitCode = 1;
        }
        clearTimeout(deadline);
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
        resolve();
      })();
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}

/** The URL a browser on this machine should open: a wildcard bind is reached through loopback. */
export function browserUrl(serverUrl: string, host: string): string {
  if (host === '0.0.0.0') return serverUrl.replace('//0.0.0.0:', '//127.0.0.1:');
  if (host === '::') return serverUrl.replace('//[::]:', '//[::1]:');
  return serverUrl;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the HTTP server (API, live SSE tail, metrics, and the web UI when built)')
    .addOption(new Option('--db <file>', 'SQLite store file (default: ./tidemark.db)'))
    .addOption(new Option('--pg <url>', 'a PostgreSQL URL instead of a SQLite file').conflicts(['db']))
    .addOption(new Option('--pg-schema <name>', 'PostgreSQL schema of the store (default: tidemark)'))
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--port <port>', 'port (0 = any free port)', parseRange(0, 65535), 4180)
    .option('--token <token:role>', 'a bearer token and its role (read|write|admin); repeatable', collect, [])
    .option('--tokens-file <file>', 'file of "TOKEN ROLE" lines')
    .option('--body-limit <bytes>', 'largest request body in bytes (default 16 MiB)', parseRange(1, 2 ** 31))
    .option('--static <dir>', 'directory of the built web UI (default: the one built into the package)')
    .option('--open', 'open the web UI in the default browser once listening')
    .action(async (o: ServeOptions) => serve(o));
}
