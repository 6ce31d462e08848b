import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestSecretBox } from '../test/electron/harness';
import { RECENT_MAX, RecentStore } from './recent-store';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tidemark-recent-'));
  file = path.join(dir, 'connections.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const server = {
  kind: 'http' as const,
  label: 'prod',
  target: 'https://tidemark.example:4180',
  readOnly: true,
  color: '#f00',
  role: 'read' as const,
};

const local = {
  kind: 'sqlite' as const,
  label: 'a.db',
  target: '/x/a.db',
  readOnly: false,
  color: null,
  role: 'admin' as const,
};

describe('RecentStore', () => {
  it('persists connections, most recent first, and reads them back', () => {
    let t = 0;
    const now = () => new Date(Date.UTC(2026, 10, 26, 5, 0, t++));
    const a = new RecentStore(file, new TestSecretBox(), now);
    const first = a.remember(local);
    a.remember(server);
    const again = a.remember(local);
    expect(again.id).toBe(first.id);
    const b = new RecentStore(file, new TestSecretBox(), now);
    expect(b.recovered).toBeNull();
    expect(b.list().map((r) => r.label)).toEqual(['a.db', 'prod']);
    expect(b.update(first.id, { readOnly: true, color: 'teal' })).toMatchObject({ readOnly: true, color: 'teal' });
    expect(new RecentStore(file, new TestSecretBox()).get(first.id)).toMatchObject({ readOnly: true, color: 'teal' });
    expect(b.forget(first.id)).toBe(true);
    expect(b.forget(first.id)).toBe(false);
    expect(new RecentStore(file, new TestSecretBox()).list().map((r) => r.label)).toEqual(['prod']);
  });

  it('stores tokens only sealed, and never in clear', () => {
    const box = new TestSecretBox();
    const s = new RecentStore(file, box);
    const rec = s.remember(server, 's3cret-token');
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('s3cret-token');
    expect(text).toContain('sealedToken');
    expect(new RecentStore(file, box).tokenFor(rec.id)).toBe('s3cret-token');
    // a different key (another machine / keychain) cannot read it: no token rather than garbage
    expect(new RecentStore(file, new TestSecretBox()).tokenFor(rec.id)).toBeUndefined();
    s.remember(server, null);
    expect(readFileSync(file, 'utf8')).not.toContain('sealedToken');
    expect(s.tokenFor(rec.id)).toBeUndefined();
  });

  it('keeps a token in memory only when no encryption is available', () => {
    const s = new RecentStore(file, new TestSecretBox(false));
    const rec = s.remember(server, 'plain-token');
    expect(s.tokenFor(rec.id)).toBe('plain-token');
    expect(readFileSync(file, 'utf8')).not.toContain('plain-token');
    expect(new RecentStore(file, new TestSecretBox(false)).tokenFor(rec.id)).toBeUndefined();
  });

  it('moves a corrupt or unexpected file to .bak and starts fresh', () => {
    writeFileSync(file, '{ not json');
    const s = new RecentStore(file, new TestSecretBox());
    expect(s.list()).toEqual([]);
    expect(s.recovered).toMatch(/connections\.json\.bak/);
    expect(readFileSync(`${file}.bak`, 'utf8')).toBe('{ not json');
    expect(existsSync(file)).toBe(false);

    writeFileSync(file, JSON.stringify({ version: 1, connections: [{ id: 'x', kind: 'ftp', target: 'y' }] }));
    const t = new RecentStore(file, new TestSecretBox());
    expect(t.list()).toEqual([]);
    expect(t.recovered).not.toBeNull();
    t.remember(server);
    expect(new RecentStore(file, new TestSecretBox()).list()).toHaveLength(1);
  });

  it(`remembers at most ${RECENT_MAX}, dropping the least recently used`, () => {
    let t = 0;
    const s = new RecentStore(file, new TestSecretBox(), () => new Date(Date.UTC(2026, 0, 1, 0, 0, t++)));
    for (let i = 0; i < RECENT_MAX + 3; i++) {
      s.remember({ kind: 'sqlite', label: `f${i}`, target: `/f${i}.db`, readOnly: false, color: null, role: 'admin' });
    }
    const labels = s.list().map((r) => r.label);
    expect(labels).toHaveLength(RECENT_MAX);
    expect(labels[0]).toBe(`f${RECENT_MAX + 2}`);
    expect(labels).not.toContain('f0');
  });
});
