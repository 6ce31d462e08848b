import { describe, expect, it } from 'vitest';
import { normalizeServerUrl } from './server-url';

describe('normalizeServerUrl', () => {
  it('keeps scheme, host, port and base path, without a trailing slash', () => {
    expect(normalizeServerUrl(' http://127.0.0.1:4180/ ')).toBe('http://127.0.0.1:4180');
    expect(normalizeServerUrl('https://Tidemark.Example.com/base//')).toBe('https://tidemark.example.com/base');
    expect(normalizeServerUrl('https://tidemark.example.com:443')).toBe('https://tidemark.example.com');
  });
  it('refuses what is not a plain http(s) server URL, saying why', () => {
    expect(() => normalizeServerUrl('localhost:4180')).toThrow(/http:\/\/ or https:\/\//);
    expect(() => normalizeServerUrl('not a url')).toThrow(/is not a valid URL/);
    expect(() => normalizeServerUrl('file:///etc/passwd')).toThrow(/http/);
    expect(() => normalizeServerUrl('https://user:pw@host/')).toThrow(/user name or password/);
    expect(() => normalizeServerUrl('https://host/?token=x')).toThrow(/query/);
  });
});
