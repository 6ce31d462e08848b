import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decideDownload, isOwnBlobUrl, safeDownloadName } from './downloads';
import type { AppOrigin } from './trust';

const rendererDir = path.resolve('/opt/tidemark/resources/app/dist/renderer');
const fileOrigin: AppOrigin = { kind: 'file', rendererDir };
const devOrigin: AppOrigin = { kind: 'dev', url: 'http://localhost:5173/' };
const appPage = pathToFileURL(path.join(rendererDir, 'index.html')).href;
const downloads = path.resolve('/home/u/Downloads');

describe('downloads', () => {
  it('saves a blob of our file:// page through a save dialog starting in Downloads', () => {
    const d = decideDownload(
      { url: 'blob:file:///3f2a9c1e-5b7d-4e0a-9c2b-1d2e3f4a5b6c', pageUrl: appPage, suggestedName: 'trades-diff.csv' },
      fileOrigin,
      downloads,
    );
    expect(d).toEqual({
      action: 'save',
      dialog: {
        title: 'Save export',
        defaultPath: path.join(downloads, 'trades-diff.csv'),
        filters: [
          { name: 'CSV', extensions: ['csv'] },
          { name: 'All files', extensions: ['*'] },
        ],
      },
    });
  });

  it('saves a blob of the dev server origin in development', () => {
    const d = decideDownload(
      { url: 'blob:http://localhost:5173/9c1e', pageUrl: 'http://localhost:5173/', suggestedName: 'x.ndjson' },
      devOrigin,
      downloads,
    );
    expect(d.action).toBe('save');
  });

  it('refuses http(s), data:, other origins, and downloads started by pages that are not ours', () => {
    const cases: [string, string, AppOrigin][] = [
      ['https://example.com/evil.exe', appPage, fileOrigin],
      ['data:text/plain,hi', appPage, fileOrigin],
      ['blob:https://example.com/9c1e', appPage, fileOrigin],
      ['blob:null/9c1e', appPage, fileOrigin],
      ['blob:file:///9c1e', 'file:///tmp/other.html', fileOrigin],
      ['blob:file:///9c1e', '', fileOrigin],
      ['blob:http://localhost:5174/9c1e', 'http://localhost:5173/', devOrigin],
      ['blob:http://localhost:5173/9c1e', 'https://example.com/', devOrigin],
      ['file:///etc/passwd', appPage, fileOrigin],
    ];
    for (const [url, pageUrl, origin] of cases) {
      expect(decideDownload({ url, pageUrl, suggestedName: 'a.csv' }, origin, downloads).action, url).toBe('refuse');
    }
  });

  it('recognises only own blob URLs', () => {
    expect(isOwnBlobUrl('blob:file:///ab-12', fileOrigin)).toBe(true);
    expect(isOwnBlobUrl('blob:file:///etc/passwd', fileOrigin)).toBe(false);
    expect(isOwnBlobUrl('blob:http://localhost:5173/ab', devOrigin)).toBe(true);
    expect(isOwnBlobUrl('blob:http://127.0.0.1:5173/ab', devOrigin)).toBe(false);
  });

  it('keeps the suggested name a plain file name', () => {
    expect(safeDownloadName('../../.bashrc')).toBe('bashrc');
    expect(safeDownloadName('a\\b/c:d?.csv')).toBe('c_d_.csv');
    expect(safeDownloadName('')).toBe('tidemark-export');
    expect(safeDownloadName('...')).toBe('tidemark-export');
    expect(safeDownloadName('a\u0007b.csv')).toBe('a_b.csv');
  });
});
