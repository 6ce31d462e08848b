import { describe, expect, it } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import type { ConnectionInfo } from '../src-core/model/store-api';
import { buildMenuTemplate, type MenuActions } from './menu';

function recorder(): { calls: string[]; actions: MenuActions } {
  const calls: string[] = [];
  return {
    calls,
    actions: {
      openStore: () => calls.push('open'),
      newStore: () => calls.push('new'),
      connectToServer: () => calls.push('connect'),
      openRecent: (id) => calls.push(`recent:${id}`),
      toggleDarkMode: () => calls.push('dark'),
      openDocs: () => calls.push('docs'),
    },
  };
}

const conn = (id: string, label: string, readOnly = false): ConnectionInfo => ({
  id,
  kind: 'sqlite',
  label,
  target: `/x/${label}`,
  readOnly,
  color: null,
  role: 'admin',
});

function sub(items: MenuItemConstructorOptions[], label: string): MenuItemConstructorOptions[] {
  const item = items.find((i) => i.label === label);
  if (!item || !Array.isArray(item.submenu)) throw new Error(`no submenu ${label}`);
  return item.submenu;
}

function click(item: MenuItemConstructorOptions | undefined): void {
  if (!item?.click) throw new Error('not clickable');
  (item.click as () => void)();
}

describe('buildMenuTemplate', () => {
  it('has File, Edit, View and Help, with the file actions wired', () => {
    const { calls, actions } = recorder();
    const t = buildMenuTemplate({ isDev: false, isMac: false, recent: [], currentId: null, actions });
    expect(t.map((i) => i.label ?? i.role)).toEqual(['File', 'editMenu', 'View', 'help']);
    const file = sub(t, 'File');
    for (const label of ['Open Store...', 'New Store...', 'Connect to Server...']) {
      click(file.find((i) => i.label === label));
    }
    expect(calls).toEqual(['open', 'new', 'connect']);
    expect(sub(file, 'Recent')).toEqual([{ label: 'No Recent Connections', enabled: false }]);
  });

  it('lists recent connections, checks the open one, and reopens by id', () => {
    const { calls, actions } = recorder();
    const t = buildMenuTemplate({
      isDev: false,
      isMac: false,
      recent: [conn('a', 'a.db'), conn('b', 'b.db', true)],
      currentId: 'b',
      actions,
    });
    const recent = sub(sub(t, 'File'), 'Recent');
    expect(recent.map((i) => [i.label, i.checked])).toEqual([
      ['a.db — file', false],
      ['b.db (read-only) — file', true],
    ]);
    click(recent[0]);
    expect(calls).toEqual(['recent:a']);
  });

  it('offers reload and devtools only in development; dark mode always', () => {
    const { actions } = recorder();
    const prod = sub(buildMenuTemplate({ isDev: false, isMac: false, recent: [], currentId: null, actions }), 'View');
    expect(prod.map((i) => i.role)).not.toContain('reload');
    expect(prod.map((i) => i.role)).not.toContain('toggleDevTools');
    expect(prod.some((i) => i.label === 'Toggle Dark Mode')).toBe(true);
    const dev = sub(buildMenuTemplate({ isDev: true, isMac: true, recent: [], currentId: null, actions }), 'View');
    expect(dev.map((i) => i.role)).toContain('reload');
  });
});
