/**
 * The fuzz test's route oracle (route-oracle.ts) on hand-picked targets, so that a fuzz failure is
 * the server's fault and not the oracle's: percent-encoded, case-changed, double-slashed,
 * dot-segmented, `;`-suffixed and absolute-form spellings of real routes need the route's role; an
 * unknown API path needs a role no one has; anything outside `/v1` and `/metrics` is the open UI;
 * a target that is an API path in one reading and a UI path in another lets only the UI answer.
 */
import { describe, expect, it } from 'vitest';
import { classify, mayPass } from './route-oracle';

describe('route oracle', () => {
  it.each([
    ['GET', '/v1/topics', 'read'],
    ['HEAD', '/v1/topics', 'read'],
    ['GET', '/v1/health', 'public'],
    ['GET', '/%761/topics', 'read'],
    ['GET', '/v%31/topics/t1/txns/1', 'read'],
    ['GET', '/V1/TOPICS', 'read'],
    ['GET', '//v1//topics', 'read'],
    ['GET', '/x/../v1/topics', 'read'],
    ['GET', '/%2e/v1/%2E%2e/v1/topics', 'read'],
    ['GET', '/v1/topics;', 'read'],
    ['GET', '/v1/topics/?limit=1', 'read'],
    ['GET', '/v1/topics#frag', 'read'],
    ['GET', 'http://x/v1/topics', 'read'],
    ['GET', 'HTTPS://evil.example:1/%6detrics', 'read'],
    ['POST', '/v1/topics/t1/txns', 'write'],
    ['POST', '/zz/../v1/topics/t1/txns/.', 'write'],
    ['POST', '/v1/sample', 'write'],
    ['POST', '/v1/topics/t1/diff', 'read'],
    ['POST', '/v1/topics/t1/txns/2/invalidate', 'admin'],
    ['POST', '/v1/topics/t1/txns/2/INVALIDATE;x', 'admin'],
    // %2F read as a separator gives the write route; read as a character, no route: the least.
    ['POST', '/v1/topics/t1%2Ftxns', 'write'],
  ])('%s %s needs %s', (method, target, need) => {
    const c = classify(method, target);
    expect(c.api).toBe(true);
    expect(c.ui).toBe(false);
    expect(c.need).toBe(need);
  });

  it.each([
    // One reading (%2F a separator) is an API route; the other (one segment "v1/...") a UI path.
    ['GET', '/v1%2Ftopics', 'read', true],
    ['POST', '/v1%2Fbatch', 'write', false],
    // %2F a separator resolves the dot segment away (a UI path); as a character, an unknown API path.
    ['GET', '/v%31/..%2Ftopics/t1/txns', 'none', true],
  ])('%s %s is ambiguous: data needs %s, the UI may answer: %s', (method, target, need, ui) => {
    const c = classify(method, target);
    expect(c.api).toBe(false);
    expect(c.anyApi).toBe(true);
    expect(c.need).toBe(need);
    expect(c.ui).toBe(ui);
  });

  it.each([
    ['GET', '/v1'],
    ['GET', '/v1/nope'],
    ['GET', '/v1foo/../v1/nope'],
    ['GET', '/metrics/x'],
    ['PUT', '/v1/topics'],
    ['DELETE', '/v1/topics/t1'],
    ['OPTIONS', '/v1/topics'],
    ['get', '/v1/topics'],
    ['GET', '/v1/topics/t1/txns/1/invalidate'],
    ['POST', '/v1/topics/t1'],
    ['GET', '/v1/topics%3B'],
    ['GET', '/v1;/topics'],
    ['GET', '*'],
  ])('%s %s names no route: no 2xx for anyone', (method, target) => {
    const c = classify(method, target);
    expect(c.api).toBe(true);
    expect(c.ui).toBe(false);
    expect(c.need).toBe('none');
    expect(mayPass('admin', c.need)).toBe(false);
  });

  it.each([['/'], ['/index.html'], ['/assets/app.js'], ['/topics/t1'], ['/v2/topics'], ['/x/../index.html']])(
    'GET %s is the open UI',
    (target) => {
      const c = classify('GET', target);
      expect(c.api).toBe(false);
      expect(c.anyApi).toBe(false);
      expect(c.ui).toBe(true);
      expect(mayPass(null, c.need)).toBe(true);
    },
  );

  it('roles are ordered read < write < admin; no token passes only public', () => {
    expect(mayPass('read', 'write')).toBe(false);
    expect(mayPass('write', 'write')).toBe(true);
    expect(mayPass('write', 'admin')).toBe(false);
    expect(mayPass('admin', 'read')).toBe(true);
    expect(mayPass(null, 'read')).toBe(false);
    expect(mayPass(null, 'public')).toBe(true);
  });
});
