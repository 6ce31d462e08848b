import { describe, expect, it } from 'vitest';
import { normalizeServerUrl } from './server-url';

describe('normalizeServerUrl', () => {
  it('keeps scheme, host, port and base path, without a trailing slash', () => {
    expect(normalizeServerUrl(' http://127.0.0.1:4180/ ')).toBe('http://127.0.0.1:4180');
    expect(normalizeServerUrl('https://tm.example/api/')).toBe('https://tm.example/api');
    expect(normalizeServerUrl('https://Tidemark.Example.com/base//')).toBe('https://tidemark.example.com/base');
    expect(normalizeServerUrl('https://tidemark.example.com:443')).toBe('https://tidemark.example.com');
  });

  it('names what is wrong, with the field name given, never echoing the value', () => {
    expect(() => normalizeServerUrl('127.0.0.1')).toThrow(/^url: is not a valid URL/);
    expect(() => normalizeServerUrl('not a url', '--url')).toThrow(/^--url: is not a valid URL/);
    expect(() => normalizeServerUrl('ftp://x')).toThrow(/must start with http:\/\/ or https:\/\//);
    expect(() => normalizeServerUrl('file:///etc/passwd')).toThrow(/http/);
    try {
      normalizeServerUrl('https://user:s3cret@host/', 'Server URL');
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({
        code: 'BAD_REQUEST',
        message: 'Server URL: must not contain a user name or password; give the token on its own',
      });
      expect(String((err as Error).message)).not.toContain('s3cret');
    }
  });

  it('refuses a query or a fragment instead of dropping it', () => {
    expect(() => normalizeServerUrl('https://host/?token=x')).toThrow(/query or fragment/);
    expect(() => normalizeServerUrl('https://host/#x')).toThrow(/query or fragment/);
    expect(() => normalizeServerUrl('https://host/base?')).toThrow(/query or fragment/);
  });
});
