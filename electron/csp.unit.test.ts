import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, withCsp } from './csp';

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name!, values];
    }),
  );
}

describe('contentSecurityPolicy', () => {
  it('production allows only our own files: no inline script, eval, remote connections or framing', () => {
    const d = directives(contentSecurityPolicy());
    expect(d.get('default-src')).toEqual(["'none'"]);
    expect(d.get('script-src')).toEqual(["'self'"]);
    expect(d.get('connect-src')).toEqual(["'self'"]);
    expect(d.get('object-src')).toEqual(["'none'"]);
    expect(d.get('frame-ancestors')).toEqual(["'none'"]);
    expect(d.get('base-uri')).toEqual(["'none'"]);
    const all = [...d.values()].flat();
    expect(all).not.toContain("'unsafe-eval'");
    expect(all).not.toContain("'unsafe-inline'");
    expect(all.some((v) => v.startsWith('http'))).toBe(false);
  });

  it('development adds exactly the dev server origin and its websocket', () => {
    const d = directives(contentSecurityPolicy({ devUrl: 'http://localhost:5173/' }));
    expect(d.get('connect-src')).toEqual(["'self'", 'http://localhost:5173', 'ws://localhost:5173']);
    expect(d.get('script-src')).toContain('http://localhost:5173');
    expect(d.get('script-src')).not.toContain("'unsafe-eval'");
  });

  it('replaces any CSP header a response already had, case-insensitively', () => {
    const h = withCsp({ 'content-security-policy': ['default-src *'], 'Content-Type': ['text/html'] }, 'x');
    expect(h).toEqual({ 'Content-Type': ['text/html'], 'Content-Security-Policy': ['x'] });
    expect(withCsp(undefined, 'y')).toEqual({ 'Content-Security-Policy': ['y'] });
  });
});
