// storeSpecOptions: one STORE value (copy/compare --from/--to) names exactly one backend, or is refused.
import { describe, expect, it } from 'vitest';
import { storeSpecOptions } from './open';

describe('storeSpecOptions', () => {
  it('takes a path as a SQLite file, http(s) as a server, postgres(ql) as PostgreSQL', () => {
    expect(storeSpecOptions('data/a.db', '--from')).toEqual({ db: 'data/a.db' });
    expect(storeSpecOptions('http://127.0.0.1:4180/', '--to', 'tok')).toEqual({
      url: 'http://127.0.0.1:4180',
      token: 'tok',
    });
    expect(storeSpecOptions('HTTPS://example.com', '--to')).toEqual({ url: 'https://example.com' });
    expect(storeSpecOptions('postgresql://u@h/db', '--to')).toEqual({ pg: 'postgresql://u@h/db' });
  });

  it('refuses what it cannot name, saying which option', () => {
    expect(() => storeSpecOptions('', '--from')).toThrow('--from: must not be empty');
    expect(() => storeSpecOptions('ftp://x/y', '--to')).toThrow('--to: ftp:// is not a store');
    expect(() => storeSpecOptions('a.db', '--from', 'tok')).toThrow('--from: a token only applies to a server URL');
    expect(() => storeSpecOptions('postgres://h/db', '--to', 'tok')).toThrow('--to: a token only applies');
    expect(() => storeSpecOptions('postgres://[', '--to')).toThrow('--to: is not a valid URL');
  });
});
