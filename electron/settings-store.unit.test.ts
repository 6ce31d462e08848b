/**
 * The app's settings file (the writer name): default the OS user name, set and persisted across
 * restarts, empty or null back to the default, a bad name refused with nothing changed, a corrupt
 * file moved aside. Real files in a temporary folder.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LIMITS } from '../src-core/model/limits';
import { SettingsStore } from './settings-store';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tidemark-settings-'));
  file = join(dir, 'settings.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('SettingsStore', () => {
  it('defaults to the OS user name, and a set name wins and survives a restart', () => {
    const s = new SettingsStore(file, () => 'osuser');
    expect(s.get()).toEqual({ by: 'osuser', bySet: false, byDefault: 'osuser', editable: true });
    expect(existsSync(file)).toBe(false);
    expect(s.update({ by: 'Ana Lima' })).toEqual({ by: 'Ana Lima', bySet: true, byDefault: 'osuser', editable: true });
    expect(s.writerName()).toBe('Ana Lima');
    const again = new SettingsStore(file, () => 'osuser');
    expect(again.writerName()).toBe('Ana Lima');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ version: 1, by: 'Ana Lima' });
  });

  it('an empty name or null goes back to the default', () => {
    const s = new SettingsStore(file, () => 'osuser');
    s.update({ by: 'x' });
    expect(s.update({ by: '' }).by).toBe('osuser');
    s.update({ by: 'x' });
    expect(s.update({ by: null })).toMatchObject({ by: 'osuser', bySet: false });
    expect(new SettingsStore(file, () => null).get()).toMatchObject({ by: null, bySet: false });
  });

  it('refuses a name the store would refuse, naming by, and changes nothing', () => {
    const s = new SettingsStore(file, () => 'osuser');
    s.update({ by: 'kept' });
    expect(() => s.update({ by: 'x'.repeat(LIMITS.byMax + 1) })).toThrow(/^by: must be a string of 1 to 200/);
    expect(() => s.update({ by: 'bad\u0000name' })).toThrow(/^by: /);
    expect(s.writerName()).toBe('kept');
    expect(new SettingsStore(file, () => 'osuser').writerName()).toBe('kept');
    expect(s.update({ by: 'y'.repeat(LIMITS.byMax) }).by).toHaveLength(LIMITS.byMax);
  });

  it('moves a corrupt file aside and starts from the defaults', () => {
    writeFileSync(file, '{"version":1,"by":5}');
    const s = new SettingsStore(file, () => 'osuser');
    expect(s.recovered).toMatch(/was unreadable/);
    expect(s.writerName()).toBe('osuser');
    expect(existsSync(`${file}.bak`)).toBe(true);
  });

  it('a stored name the store would refuse counts as a corrupt file', () => {
    writeFileSync(file, JSON.stringify({ version: 1, by: 'a\u0000b' }));
    const s = new SettingsStore(file, () => 'osuser');
    expect(s.recovered).toMatch(/not a valid writer name/);
    expect(s.writerName()).toBe('osuser');
  });

  it('without a file keeps the setting for this run only', () => {
    const s = new SettingsStore(null, () => 'osuser');
    expect(s.update({ by: 'ana' }).by).toBe('ana');
    expect(new SettingsStore(null, () => 'osuser').writerName()).toBe('osuser');
  });
});
