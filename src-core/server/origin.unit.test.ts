/**
 * The pure parts of the no-token Host rule (src-core/server/origin.ts): which `Host` header
 * spellings parse, how an origin's authority is formed from them (lower-case, :80 dropped), and
 * which host names a server without tokens answers (loopback and its own bound address only).
 */
import { describe, expect, it } from 'vitest';
import { isAllowedHostname, parseHost } from './origin';

describe('parseHost', () => {
  it.each([
    ['127.0.0.1:4180', '127.0.0.1', '127.0.0.1:4180'],
    ['LocalHost', 'localhost', 'localhost'],
    ['localhost:80', 'localhost', 'localhost'],
    ['[::1]:4180', '::1', '[::1]:4180'],
    ['[::1]', '::1', '[::1]'],
    ['example.org:08080', 'example.org', 'example.org:8080'],
  ])('%s -> %s, %s', (value, hostname, authority) => {
    expect(parseHost(value)).toEqual({ hostname, authority });
  });

  it.each(['', 'a b', 'user@127.0.0.1', '127.0.0.1:99999', '127.0.0.1:', 'http://x', '[::1', 'x/y', 'x:1:2'])(
    'refuses %j',
    (value) => {
      expect(parseHost(value)).toBeNull();
    },
  );
});

describe('isAllowedHostname', () => {
  it('allows loopback addresses and localhost', () => {
    for (const h of ['127.0.0.1', '127.255.0.9', '::1', 'localhost'])
      expect(isAllowedHostname(h, undefined), h).toBe(true);
  });
  it('refuses anything else unless it is the bound address', () => {
    for (const h of ['evil.example', '10.0.0.1', 'localhost.', 'foo.localhost', '0.0.0.0', '::ffff:7f00:1']) {
      expect(isAllowedHostname(h, '127.0.0.1'), h).toBe(false);
    }
    expect(isAllowedHostname('tidemark.local', 'Tidemark.Local')).toBe(true);
    expect(isAllowedHostname('::1', '[::1]')).toBe(true);
  });
});
