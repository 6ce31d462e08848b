/**
 * Serves the built renderer (Vite output) at `/` so a browser can use the admin app against this
 * server. Any GET outside `/v1/` and `/metrics` is a static file; a path without a file extension
 * that matches no file gets `index.html` (SPA fallback), a missing asset is 404. No token is needed
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

/** Registers the catch-all GET route; API paths that reach it are 404 NOT_FOUND envelopes. */
export function installStatic(app: FastifyInstance, staticDir: string | undefined): void {
  const root = staticDir !== undefined ? resolve(staticDir) : undefined;
  if (root !== undefined && !statSync(root, { throwIfNoEntry: false })?.isDirectory()) {
    throw notFound(`static: ${root} is not a directory`);
  }
  app.get('/*', async (req, reply) => {
    const path = req.url.split('?', 1)[0] ?? '/';
    if (path.startsWith('/v1/') || path === '/v1' || root === undefined) {
      throw notFound(
        root === undefined && !path.startsWith('/v1')
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
