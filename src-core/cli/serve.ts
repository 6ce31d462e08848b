/**
 * `tidemark serve`: runs the HTTP server (src-core/server) over a SQLite file (`--db`, default
 * ./tidemark.db) or PostgreSQL (`--pg`, schema `--pg-schema`, default tidemark). Tokens come from
 * `--token TOKEN:ROLE[:NAME]` (repeatable), `--tokens-file` (`TOKEN ROLE [NAME]` lines) and the
 * `TIDEMARK_TOKENS` environment variable, parsed and named by server/tokens.ts; a tokens file that
 * group or others may access gets a one-line warning on stderr. Without any token the server is
 * open and refuses to bind anything but a loopback address. The first line
 * on stdout is exactly `listening on http://HOST:PORT`; `--open` then opens the web UI in the default
 * browser (open-browser.ts). SIGTERM/SIGINT: stop accepting, let
 * in-flight requests (writes) finish, close the store, exit 0; a second signal exits at once (1),
 * and so does a shutdown still unfinished after 30 s.
 */
import { type Command, Option } from 'commander';
import { badRequest } from '../model/errors';
import { LIMITS } from '../model/limits';
import { isLoopback } from '../server/auth';
import { defined } from '../server/params';
import { type TokenSources, parseTokens, readTokensFile } from '../server/tokens';
import { type OpenStoreOptions, openStoreFromOptions } from '../store/open';
import { openInBrowser } from './open-browser';
import { parseRange } from './options';
import { migrationProgress, progressWanted } from './progress';

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
  bodyTimeout?: number;
  diffLimit?: number;
  maxDiffs?: number;
  maxVerifies?: number;
  diffIdleTimeout?: number;
  diffTimeout?: number;
  static?: string;
  maxStreams?: number;
  maxStreamsPerToken?: number;
  open?: boolean;
}

const collect = (v: string, prev: string[]): string[] => [...prev, v];

async function serve(o: ServeOptions): Promise<void> {
  const sources: TokenSources = { flags: o.token, env: process.env.TIDEMARK_TOKENS };
  if (o.tokensFile !== undefined) {
    const file = readTokensFile(o.tokensFile);
    if (file.warning !== null) process.stderr.write(file.warning + '\n');
    sources.file = file;
  }
  const tokens = parseTokens(sources);
  if (tokens.length === 0 && !isLoopback(o.host)) {
    throw badRequest(
      `refusing to listen on ${o.host} without tokens: give --token TOKEN:ROLE, --tokens-file or TIDEMARK_TOKENS, or bind a loopback address such as 127.0.0.1`,
    );
  }
  const storeOpts: OpenStoreOptions = {};
  if (o.db !== undefined) storeOpts.db = o.db;
  if (o.pg !== undefined) storeOpts.pg = o.pg;
  if (o.pgSchema !== undefined) storeOpts.pgSchema = o.pgSchema;
  // Serving an older store upgrades it first: a bar while it chains (a terminal only).
  const bar = migrationProgress(progressWanted(undefined));
  if (bar !== undefined) storeOpts.onMigrationProgress = bar;
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
      ...defined({
        bodyTimeoutMs: o.bodyTimeout,
        diffLimit: o.diffLimit,
        maxDiffs: o.maxDiffs,
        maxVerifies: o.maxVerifies,
        diffIdleTimeoutMs: o.diffIdleTimeout,
        diffTimeoutMs: o.diffTimeout,
        maxStreams: o.maxStreams,
        maxStreamsPerToken: o.maxStreamsPerToken,
      }),
      ...(o.static !== undefined ? { staticDir: o.static } : {}),
      logger: { level: 'error', stream: process.stderr },
    });
  } catch (err) {
    await store.close();
    throw err;
  }
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
    // Only now: whoever waits for this line may signal at once, and must not find node's default
    // (die) instead of the graceful stop.
    process.stdout.write(`listening on ${server.url}\n`);
    if (o.open === true) openInBrowser(browserUrl(server.url, o.host));
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
    .option(
      '--token <token:role[:name]>',
      'a bearer token, its role (read|write|admin) and optional name; repeatable (visible in ps: prefer TIDEMARK_TOKENS or a 0600 --tokens-file)',
      collect,
      [],
    )
    .option('--tokens-file <file>', 'file of "TOKEN ROLE [NAME]" lines (keep it mode 0600)')
    .option('--body-limit <bytes>', 'largest request body in bytes (default 16 MiB)', parseRange(1, 2 ** 31))
    .option(
      '--body-timeout <ms>',
      'longest a JSON request body may take to arrive; then 408 (default 120000)',
      parseRange(1, 2 ** 31 - 1),
    )
    .option('--diff-limit <bytes>', 'largest diff snapshot body in bytes (default 256 MiB)', parseRange(1, 2 ** 53 - 1))
    .option('--max-diffs <n>', 'diffs running at once, beyond it 429 (default: one per core)', parseRange(1, 1_000_000))
    .option(
      '--max-verifies <n>',
      'verifies running at once (each reads a whole topic), beyond it 429 (default: one per core)',
      parseRange(1, 1_000_000),
    )
    .option(
      '--diff-idle-timeout <ms>',
      'longest wait for the next diff body byte (default 30000)',
      parseRange(1, 2 ** 31 - 1),
    )
    .option('--diff-timeout <ms>', 'longest a whole diff request may take (default 600000)', parseRange(1, 2 ** 31 - 1))
    .option(
      '--max-streams <n>',
      `open live (SSE) streams per server; beyond it 429 (default ${LIMITS.sseStreamsDefault})`,
      parseRange(1, 1_000_000),
    )
    .option(
      '--max-streams-per-token <n>',
      `open live (SSE) streams per token; beyond it 429 (default ${LIMITS.sseStreamsPerTokenDefault})`,
      parseRange(1, 1_000_000),
    )
    .option('--static <dir>', 'directory of the built web UI (default: the one built into the package)')
    .option('--open', 'open the web UI in the default browser once listening')
    .action(async (o: ServeOptions) => serve(o));
}
