/**
 * What `tidemark serve` (../serve.ts) does: tokens, the store, the HTTP server (src-core/server),
 * the `listening on` line, `--open`, and the graceful stop on SIGTERM/SIGINT.
 */
import { badRequest } from '../../model/errors';
import { LIMITS } from '../../model/limits';
import { isLoopback } from '../../server/auth';
import { defined } from '../../server/params';
import { type TokenSources, parseTokens, readTokensFile } from '../../server/tokens';
import { type OpenStoreOptions, openStoreFromOptions } from '../../store/open';
import { openInBrowser } from '../open-browser';
import { migrationProgress, progressWanted } from '../progress';

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
  maxConnections?: number;
  open?: boolean;
}

export async function run(o: ServeOptions): Promise<void> {
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
  const { startServer } = await import('../../server/index');
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
        maxConnections: o.maxConnections,
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
