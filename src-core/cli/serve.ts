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
 * and so does a shutdown still unfinished after 30 s. The action is run/serve.ts.
 */
import { type Command, Option } from 'commander';
import { LIMITS } from '../model/limits';
import { lazyAction } from './lazy-action';
import { parseRange } from './options';

const collect = (v: string, prev: string[]): string[] => [...prev, v];

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
    .option(
      '--body-limit <bytes>',
      'largest request body in bytes (default 16 MiB, at most 64 MiB)',
      parseRange(1, LIMITS.bodyBytesMax),
    )
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
    .option(
      '--max-connections <n>',
      `connections open at once; a request on one past it is answered 429 and the connection closed; must be larger than --max-streams (default ${LIMITS.connectionsDefault})`,
      parseRange(2, 1_000_000),
    )
    .option('--static <dir>', 'directory of the built web UI (default: the one built into the package)')
    .option('--open', 'open the web UI in the default browser once listening')
    .action(lazyAction(() => import('./run/serve')));
}
