import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { appEntryUrl, isAppUrl, type AppOrigin } from './trust';

const rendererDir = path.resolve('/opt/tidemark/dist/renderer');
const prod: AppOrigin = { kind: 'file', rendererDir };

describe('isAppUrl', () => {
  it('accepts files under the renderer directory, with hashes and queries', () => {
    expect(isAppUrl(appEntryUrl(prod), prod)).toBe(true);
    expect(isAppUrl(appEntryUrl(prod) + '#/topics/demo.trades?x=1', prod)).toBe(true);
    expect(isAppUrl(pathToFileURL(path.join(rendererDir, 'assets/app.js')).href, prod)).toBe(true);
  });
  it('rejects other files, traversal, look-alike directories and other schemes', () => {
    expect(isAppUrl('file:///etc/passwd', prod)).toBe(false);
    expect(isAppUrl(pathToFileURL(rendererDir + '-evil/index.html').href, prod)).toBe(false);
    expect(isAppUrl('file:///opt/tidemark/dist/renderer/../secret.html', prod)).toBe(false);
    expect(isAppUrl('file://remotehost/opt/tidemark/dist/renderer/index.html', prod)).toBe(false);
    expect(isAppUrl('https://example.com/index.html', prod)).toBe(false);
    expect(isAppUrl('not a url', prod)).toBe(false);
    expect(isAppUrl('', prod)).toBe(false);
  });
  it('in dev, accepts exactly the dev server origin', () => {
    const dev: AppOrigin = { kind: 'dev', url: 'http://localhost:5173' };
    expect(isAppUrl('http://localhost:5173/index.html', dev)).toBe(true);
    expect(isAppUrl('http://localhost:5173.evil.com/', dev)).toBe(false);
    expect(isAppUrl('http://127.0.0.1:5173/', dev)).toBe(false);
    expect(isAppUrl(appEntryUrl(prod), dev)).toBe(false);
    expect(appEntryUrl(dev)).toBe('http://localhost:5173');
  });
});
