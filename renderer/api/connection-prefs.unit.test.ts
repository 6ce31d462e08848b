import { describe, expect, it } from 'vitest';
import { ConnectionPrefs, connectionIdFor } from './connection-prefs';
import type { ConnectionInfo } from '../../src-core/model/store-api';
import { MemoryStorage } from './memory-storage.testing';

const conn = (url: string, extra: Partial<ConnectionInfo> = {}): ConnectionInfo => ({
  id: connectionIdFor(url),
  kind: 'http',
  label: new URL(url).host,
  target: url,
  readOnly: false,
  color: null,
  role: 'admin',
  ...extra,
});

describe('ConnectionPrefs', () => {
  it('remembers connections newest first, without tokens, at most 10', () => {
    const local = new MemoryStorage();
    const prefs = new ConnectionPrefs(local, new MemoryStorage());
    for (let i = 0; i < 12; i++) prefs.remember(conn(`http://h${i}:1`));
    prefs.remember(conn('http://h3:1', { readOnly: true, color: '#d64545' }));
    const recent = prefs.recent();
    expect(recent).toHaveLength(10);
    expect(recent[0]).toMatchObject({ target: 'http://h3:1', readOnly: true, color: '#d64545' });
    expect(recent.filter((r) => r.target === 'http://h3:1')).toHaveLength(1);
    expect(local.getItem('tidemark.recentConnections')).not.toContain('role');
  });

  it('keeps tokens in session storage and forgets them with the connection', () => {
    const session = new MemoryStorage();
    const prefs = new ConnectionPrefs(new MemoryStorage(), session);
    prefs.remember(conn('http://a:1'));
    prefs.setToken('http://a:1', 's3cret');
    expect(prefs.token('http://a:1')).toBe('s3cret');
    prefs.forget(connectionIdFor('http://a:1'));
    expect(prefs.recent()).toEqual([]);
    expect(prefs.token('http://a:1')).toBeNull();
    expect(session.length).toBe(0);
  });

  it('ignores garbage in storage', () => {
    const local = new MemoryStorage();
    local.setItem('tidemark.recentConnections', '{not json');
    expect(new ConnectionPrefs(local, new MemoryStorage()).recent()).toEqual([]);
    local.setItem(
      'tidemark.recentConnections',
      '[{"id":1},{"id":"x","kind":"http","label":"l","target":"t","readOnly":false,"color":null}]',
    );
    expect(new ConnectionPrefs(local, new MemoryStorage()).recent()).toHaveLength(1);
  });
});
