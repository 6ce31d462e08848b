/**
 * Serves the built renderer (Vite output) at `/` so a browser can use the admin app against this
 * server (route operation `ui`, public). Any GET outside `/v1/` and `/metrics` is a static file; a
 * path without a file extension that matches no file gets `index.html` (SPA fallback), a missing
 * asset is 404. Nothing that is an API path by `isApiPath` (first segment `v1` or `metrics`, after
 * percent-decoding, case-insensitively, dot segments and repeated slashes resolved) ever gets a
 * file or `index.html`: it is a 404 NOT_FOUND envelope. No token is needed
 * for these files (the data behind them still needs one). HTML responses carry a strict
 * Content-Security-Policy (same-origin scripts, styles and fetches only; no inline script, no
 * framing); hashed files under `assets/` are cached for a year, everything else revalidates.
 * Paths are resolved inside the static root; anything escaping it is 404.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { notFound } from '../model/errors';
import { packageRoot } from '../package-info';

export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; " +
  "connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.wasm': 'application/wasm',
};

/**
 * `<package root>/dist/renderer` when it has been built, else undefined. The package root is found
 * from this module's own location (package-info.ts), so this holds in a source checkout, for the
 * compiled bundle in dist/ and in an installed package alike.
 */
export function defaultStaticDir(): string | undefined {
  const root = packageRoot();
  if (root === null) return undefined;
  const dir = resolve(root, 'dist', 'renderer');
  return existsSync(resolve(dir, 'index.html')) ? dir : undefined;
}

async function fileAt(root: string, urlPath: string): Promise<{ path: string; size: number } | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const path = resolve(root, '.' + (decoded.endsWith('/') ? decoded + 'index.html' : decoded));
  if (path !== root && !path.startsWith(root + sep)) return null;
  try {
    const s = await stat(path);
    return s.isFile() ? { path, size: s.size } : null;
  } catch {
    return null;
  }
}

function sendFile(reply: FastifyReply, root: string, file: { path: string; size: number }): FastifyReply {
  const ext = extname(file.path).toLowerCase();
  void reply.type(TYPES[ext] ?? 'application/octet-stream').header('x-content-type-options', 'nosniff');
  if (ext === '.html') {
    void reply
      .header('content-security-policy', CSP)
      .header('x-frame-options', 'DENY')
      .header('referrer-policy', 'no-referrer')
      .header('cache-control', 'no-cache');
  } else if (file.path.startsWith(resolve(root, 'assets') + sep)) {
    void reply.header('cache-control', 'public, max-age=31536000, immutable');
  } else {
    void reply.header('cache-control', 'no-cache');
  }
  void reply.header('content-length', file.size);
  return reply.send(createReadStream(file.path));
}

/** The path of a request target: an absolute-form `http://host/p?q` gives `/p`; no query or fragment. */
export function targetPath(url: string): string {
  let path = url;
  const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/.exec(path);
  if (m) path = path.slice(m[0].length) || '/';
  const end = path.search(/[?#]/);
  return end === -1 ? path : path.slice(0, end);
}

/**
 * True when a request target names something under `/v1` or `/metrics` in any spelling a router
 * or a browser might accept: percent-encoding (decoded repeatedly, up to 8 times), any case,
 * `\` as `/`, repeated slashes, `.`/`..` segments (before or after resolving them: `/v1/..` and
 * `/x/../v1` both count), and anything after the name that cannot continue it (`;x`, a decoded
 * `?`, NUL, a space). A target that does not decode counts as an API path too (it never gets the
 * UI).
 */
export function isApiPath(url: string): boolean {
  let path = targetPath(url);
  for (let i = 0; i < 8 && path.includes('%'); i++) {
    try {
      path = decodeURIComponent(path);
    } catch {
      return true;
    }
  }
  if (path.includes('%')) return true;
  // The first segment as written (`/v1/../x`) and with dot segments resolved (`/x/../v1`).
  const written = path
    .replace(/\\/g, '/')
    .split('/')
    .filter((seg) => seg !== '' && seg !== '.');
  const resolved: string[] = [];
  for (const seg of written) {
    if (seg === '..') resolved.pop();
    else resolved.push(seg);
  }
  // `v1` or `metrics` followed by nothing or by anything that cannot continue a name (`;`, `?`,
  // NUL, a space...): `/metrics%3F` is an API path, `/metrics.txt` and `/v1x` are not.
  const api = (seg: string | undefined): boolean => /^(v1|metrics)(?![A-Za-z0-9._~-])/i.test(seg ?? '');
  return api(written[0]) || api(resolved[0]);
}

/** Registers the catch-all GET route; API paths that reach it are 404 NOT_FOUND envelopes. */
export function installStatic(app: FastifyInstance, staticDir: string | undefined): void {
  const root = staticDir !== undefined ? resolve(staticDir) : undefined;
  if (root !== undefined && !statSync(root, { throwIfNoEntry: false })?.isDirectory()) {
    throw notFound(`static: ${root} is not a directory`);
  }
  app.get('/*', { config: { op: 'ui' } }, async (req, reply) => {
    const path = targetPath(req.url);
    const api = isApiPath(req.url);
    if (api || root === undefined) {
      throw notFound(
        root === undefined && !api
          ? `${path}: no such route (no UI build is served: run "npm run build", or pass --static DIR)`
          : `${req.method} ${path}: no such route`,
      );
    }
    let file = await fileAt(root, path);
    // The build uses relative URLs (`./assets/...`, for Electron's file://), so a page served by the
    // SPA fallback at /a/b asks for /a/assets/x.js: serve the root's assets/x.js.
    const assets = path.lastIndexOf('/assets/');
    if (!file && assets > 0) file = await fileAt(root, path.slice(assets));
    if (file) return sendFile(reply, root, file);
    if (extname(path) !== '') throw notFound(`${path}: no such file`);
    const index = await fileAt(root, '/index.html');
    if (!index) throw notFound(`${path}: no such file (the UI build has no index.html)`);
    return sendFile(reply, root, index);
  });
}
