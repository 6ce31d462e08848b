/**
 * electron/launch-env.ts without Electron: development overrides (dev server URL, user-data
 * folder) are honoured only when the app is not packaged, and a packaged app refuses remote
 * debugging and inspector switches.
 */
import { describe, expect, it } from 'vitest';
import { launchSettings, refusedSwitch } from './launch-env';

const env = { VITE_DEV_SERVER_URL: 'http://localhost:5173', TIDEMARK_USER_DATA: '/tmp/x', HOME: '/home/a' };

describe('launchSettings', () => {
  it('honours the development overrides when not packaged', () => {
    expect(launchSettings(env, false)).toEqual({ devServerUrl: 'http://localhost:5173', userData: '/tmp/x' });
    expect(launchSettings({ VITE_DEV_SERVER_URL: ' ', TIDEMARK_USER_DATA: '' }, false)).toEqual({
      devServerUrl: undefined,
      userData: undefined,
    });
  });
  it('ignores them in a packaged app', () => {
    expect(launchSettings(env, true)).toEqual({ devServerUrl: undefined, userData: undefined });
  });
});

describe('refusedSwitch', () => {
  const app = ['/opt/Tidemark/tidemark'];
  it.each([
    ['--remote-debugging-port=9222', 'remote-debugging-port'],
    ['--remote-debugging-pipe', 'remote-debugging-pipe'],
    ['-remote-debugging-port=1', 'remote-debugging-port'],
    ['/REMOTE-DEBUGGING-PORT=1', 'remote-debugging-port'],
    ['--inspect', 'inspect'],
    ['--inspect=9229', 'inspect'],
    ['--inspect-brk=0', 'inspect-brk'],
  ])('a packaged app refuses %s', (arg, name) => {
    expect(refusedSwitch([...app, '--no-sandbox', arg], true)).toBe(name);
  });
  it('lets everything through in development, and ordinary arguments in a packaged app', () => {
    expect(refusedSwitch([...app, '--remote-debugging-port=0', '--inspect=0'], false)).toBeNull();
    expect(refusedSwitch([...app, '--inspector', '/home/a/remote-debugging-port.db', 'store.db'], true)).toBeNull();
  });
});

describe('the main process reads no other environment variable', () => {
  it('no electron/ source reads process.env.X except through launchSettings', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const dir = import.meta.dirname;
    const offenders = readdirSync(dir)
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .filter((f) => /process\.env(?:\.|\[)/.test(readFileSync(`${dir}/${f}`, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
