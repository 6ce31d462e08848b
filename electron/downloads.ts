/**
 * What the window does with a download (`will-download`): the renderer saves exports (diff
 * results, and the surface in the browser build) by clicking a link to a `blob:` URL, so a download
 * is allowed only when it is such a blob made by our own app page — the same trust rule as
 * navigation blocking (trust.ts `isAppUrl`) — and then saved where the user picks in a save dialog
 * that starts in the Downloads folder. Anything else (an http(s) URL, a blob of another origin, a
 * download started by a page that is not ours) is refused. Pure, unit-tested without Electron;
 * security.ts applies it.
 */
import path from 'node:path';
import { isAppUrl, type AppOrigin } from './trust';

export interface DownloadRequest {
  /** `DownloadItem.getURL()`. */
  url: string;
  /** URL of the page that started it (`webContents.getURL()`), '' when unknown. */
  pageUrl: string;
  /** `DownloadItem.getFilename()`: the `download` attribute's name, as Chromium sanitised it. */
  suggestedName: string;
}

export interface SaveDialogPlan {
  title: string;
  defaultPath: string;
  filters: { name: string; extensions: string[] }[];
}

export type DownloadDecision = { action: 'save'; dialog: SaveDialogPlan } | { action: 'refuse'; reason: string };

/** True when `url` is a blob: URL created by a page of our app's origin. */
export function isOwnBlobUrl(url: string, origin: AppOrigin): boolean {
  if (!url.startsWith('blob:')) return false;
  const inner = url.slice('blob:'.length);
  if (origin.kind === 'dev') {
    let u: URL;
    try {
      u = new URL(inner);
    } catch {
      return false;
    }
    return isAppUrl(`${u.origin}/`, origin);
  }
  // A file:// page's blobs are `blob:file:///<uuid>` (no host): the page itself is checked separately.
  return /^file:\/\/\/[0-9a-fA-F-]+$/.test(inner);
}

/** A plain file name: no directories, no control or reserved characters, never empty or hidden. */
export function safeDownloadName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const printable = [...base].map((c) => (c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127 ? '_' : c)).join('');
  const clean = printable
    .replace(/[<>:"|?*]/g, '_')
    .replace(/^[.\s]+/, '')
    .trim();
  return clean === '' ? 'tidemark-export' : clean.slice(0, 200);
}

const FILTERS: Record<string, string> = { csv: 'CSV', ndjson: 'NDJSON', json: 'JSON' };

export function decideDownload(req: DownloadRequest, origin: AppOrigin, downloadsDir: string): DownloadDecision {
  if (!isAppUrl(req.pageUrl, origin)) return { action: 'refuse', reason: 'not started by the app' };
  if (!isOwnBlobUrl(req.url, origin)) return { action: 'refuse', reason: 'only blob: URLs of the app are saved' };
  const name = safeDownloadName(req.suggestedName);
  const ext = path.extname(name).slice(1).toLowerCase();
  const known = FILTERS[ext];
  return {
    action: 'save',
    dialog: {
      title: 'Save export',
      defaultPath: path.join(downloadsDir, name),
      filters: [...(known ? [{ name: known, extensions: [ext] }] : []), { name: 'All files', extensions: ['*'] }],
    },
  };
}
