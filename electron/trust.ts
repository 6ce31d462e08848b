/**
 * Which pages are "our app": the URL checks behind the IPC sender check, navigation blocking and
 * the CSP. In production the renderer is `file://<dist/renderer>/index.html`; in development it is
 * the Vite dev server (an http://localhost origin). A frame is trusted only if its URL is inside
 * that origin — for file:// that means a file under the renderer directory, not any local file.
 * Pure (node:path and node:url only), unit-tested without Electron.
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export type AppOrigin = { kind: 'file'; rendererDir: string } | { kind: 'dev'; url: string };

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** True when `url` belongs to the app: a file under the renderer dir, or the dev server's origin. */
export function isAppUrl(url: string, origin: AppOrigin): boolean {
  const u = parse(url);
  if (!u) return false;
  if (origin.kind === 'dev') {
    const dev = parse(origin.url);
    return dev !== null && u.origin === dev.origin && (u.protocol === 'http:' || u.protocol === 'https:');
  }
  if (u.protocol !== 'file:' || (u.host !== '' && u.host !== 'localhost')) return false;
  let file: string;
  try {
    file = path.resolve(fileURLToPath(u));
  } catch {
    return false;
  }
  const root = path.resolve(origin.rendererDir);
  return file.startsWith(root + path.sep);
}

/** The page main loads into a window. */
export function appEntryUrl(origin: AppOrigin): string {
  if (origin.kind === 'dev') return origin.url;
  return pathToFileURL(path.join(path.resolve(origin.rendererDir), 'index.html')).href;
}
