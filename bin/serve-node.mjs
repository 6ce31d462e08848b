// How `tidemark serve` is started: with a larger V8 young generation (`--max-semi-space-size`),
// which measured about 14% less server CPU per event under a sustained write load (docs/bench.md,
// "The HTTP ordered writer"; docs/http.md, "Running the server"). V8 sizes the young generation
// when the heap is set up, so the flag must be on node's command line: `v8.setFlagsFromString` at
// run time has no effect. `bin/tidemark.mjs` therefore re-executes node with the flag for `serve`
// (and only for it: the other commands are short and start once). Plain JavaScript (it runs before
// the CLI bundle is loaded); its types are in serve-node.d.mts.
import { spawn } from 'node:child_process';
import { fstatSync } from 'node:fs';
import { Socket } from 'node:net';

/** The semi-space size `tidemark serve` runs with unless told otherwise, in MiB. */
export const SERVE_SEMI_SPACE_MB = 64;

/** The environment variable that sets it (`0`: start `serve` in this process, node's default). */
export const SEMI_SPACE_ENV = 'TIDEMARK_SERVE_SEMI_SPACE_MB';

const FLAG = '--max-semi-space-size';
const INSPECT = '--inspect';

/**
 * The node flags to run `serve` with, decided from the environment alone: `[]` when it runs as
 * started (opted out with `TIDEMARK_SERVE_SEMI_SPACE_MB=0`, on Windows, under a debugger
 * (`--inspect*`), or when the flag is given already, on node's command line or in NODE_OPTIONS:
 * the user's choice, and the re-executed child's own), else `['--max-semi-space-size=N']`. A
 * value that is not a whole number of MiB from 0 to 1024 is reported in `warning` and the flag is
 * not set.
 *
 * @param {Record<string, string | undefined>} env
 * @param {readonly string[]} execArgv
 * @param {string} platform
 * @returns {{ flags: string[]; warning: string | null }}
 */
export function serveNodeFlags(env, execArgv, platform) {
  const options = env.NODE_OPTIONS ?? '';
  const given = execArgv.some((a) => a.startsWith(FLAG)) || options.includes(FLAG);
  // A debugger's port would be taken by this process and wanted again by the server's.
  const inspected = execArgv.some((a) => a.startsWith(INSPECT)) || options.includes(INSPECT);
  if (platform === 'win32' || given || inspected) return { flags: [], warning: null };
  const raw = env[SEMI_SPACE_ENV];
  if (raw === undefined || raw === '') return { flags: [`${FLAG}=${SERVE_SEMI_SPACE_MB}`], warning: null };
  if (!/^\d{1,4}$/.test(raw) || Number(raw) > 1024) {
    return {
      flags: [],
      warning: `tidemark: ${SEMI_SPACE_ENV}=${raw} is not a size in MiB from 0 to 1024; serving with node's default`,
    };
  }
  const mb = Number(raw);
  return { flags: mb === 0 ? [] : [`${FLAG}=${mb}`], warning: null };
}

/**
 * The flags to re-execute `tidemark <argv...>` with, or null to run the command in this process:
 * only `serve` (the command word first, as docs/cli.md writes it) and only when serveNodeFlags
 * gives any.
 *
 * @param {readonly string[]} args the command line after the script (`process.argv.slice(2)`)
 * @param {Record<string, string | undefined>} env
 * @param {readonly string[]} execArgv
 * @param {string} platform
 * @returns {{ flags: string[] | null; warning: string | null }}
 */
export function reexecFlags(args, env, execArgv, platform) {
  if (args[0] !== 'serve' || args.includes('--help') || args.includes('-h')) return { flags: null, warning: null };
  const { flags, warning } = serveNodeFlags(env, execArgv, platform);
  return { flags: flags.length === 0 ? null : flags, warning };
}

/** The signals a parent passes on to its child (a terminal's Ctrl-C, `kill`, a closed terminal). */
const FORWARDED = /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP']);

/** Names the child's end of the pipe the parent holds open while it lives (see runReexecuted). */
export const PARENT_FD_ENV = 'TIDEMARK_SERVE_PARENT_FD';

/**
 * Runs `script args...` in a new node with `flags` added to this one's, and ends this process as
 * the child ends: with its exit code, or killed by the same signal. The child shares stdin, stdout
 * and stderr. It runs in a process group of its own, so a terminal's Ctrl-C reaches this process
 * only, and every SIGINT, SIGTERM or SIGHUP this process gets is passed on once: serve sees one
 * signal per signal sent, as when it runs in the process it was started in (a second one during
 * its shutdown still exits at once). A signal this process cannot catch (SIGKILL) is passed on
 * through a pipe: the child watches it (`watchParent`) and is killed the same way when it closes,
 * so no server is left running behind a killed `tidemark serve`.
 *
 * @param {string} script
 * @param {readonly string[]} args
 * @param {readonly string[]} flags
 * @returns {Promise<never>}
 */
export function runReexecuted(script, args, flags) {
  const child = spawn(process.execPath, [...process.execArgv, ...flags, script, ...args], {
    stdio: ['inherit', 'inherit', 'inherit', 'pipe'],
    env: { ...process.env, [PARENT_FD_ENV]: '3' },
    detached: true,
  });
  /** @type {(signal: NodeJS.Signals) => void} */
  const pass = (signal) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  for (const s of FORWARDED) process.on(s, pass);
  return new Promise((_, reject) => {
    child.once('error', (err) => {
      for (const s of FORWARDED) process.off(s, pass);
      reject(err);
    });
    child.once('exit', (code, signal) => {
      for (const s of FORWARDED) process.off(s, pass);
      process.exitCode = code ?? 1;
      if (signal !== null) process.kill(process.pid, signal);
      else process.exit(code ?? 1);
    });
  });
}

/**
 * In a child started by runReexecuted: watches the parent's pipe and kills this process with
 * SIGKILL when it closes (the parent was killed without a chance to pass a signal on). Removes
 * the variable from the environment, so processes this one starts do not inherit it. Does nothing
 * elsewhere.
 *
 * @param {Record<string, string | undefined>} env
 */
export function watchParent(env) {
  const value = env[PARENT_FD_ENV];
  if (value === undefined) return;
  delete env[PARENT_FD_ENV];
  const fd = Number(value);
  // Only the socket runReexecuted passes (not whatever a stray variable names).
  try {
    if (!Number.isInteger(fd) || fd < 3 || !fstatSync(fd).isSocket()) return;
  } catch {
    return;
  }
  const pipe = new Socket({ fd, readable: true, writable: false });
  pipe.on('error', () => undefined);
  pipe.on('close', () => process.kill(process.pid, 'SIGKILL'));
  pipe.resume();
  pipe.unref();
}
