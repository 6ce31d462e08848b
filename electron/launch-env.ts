/**
 * What the main process takes from its environment and command line, decided in one place
 * (docs/electron.md, "Desktop app hardening"). Development-only overrides — `VITE_DEV_SERVER_URL`
 * (load the renderer from the Vite dev server) and `TIDEMARK_USER_DATA` (move userData; the e2e
 * tests give each run its own) — are honoured only when the app is not packaged: a packaged app
 * ignores them, so nobody can point an installed app at another renderer or profile by setting a
 * variable. A packaged app also refuses to start with a debugging switch on its command line
 * (`--remote-debugging-port`/`-pipe`, `--inspect*`; Chromium accepts `--`, `-` and on Windows `/`
 * before a switch), which would hand its windows or main process to whoever can connect. Pure,
 * unit-tested without Electron.
 */

export interface LaunchSettings {
  /** The Vite dev server to load the renderer from (development only). */
  devServerUrl: string | undefined;
  /** The folder to use as userData instead of the OS default (development and tests only). */
  userData: string | undefined;
}

/** The environment variables a development build honours and a packaged build ignores. */
export const DEV_ONLY_ENV = ['VITE_DEV_SERVER_URL', 'TIDEMARK_USER_DATA'] as const;

const nonEmpty = (v: string | undefined): string | undefined => (v === undefined || v.trim() === '' ? undefined : v);

export function launchSettings(env: Readonly<Record<string, string | undefined>>, isPackaged: boolean): LaunchSettings {
  if (isPackaged) return { devServerUrl: undefined, userData: undefined };
  return { devServerUrl: nonEmpty(env.VITE_DEV_SERVER_URL), userData: nonEmpty(env.TIDEMARK_USER_DATA) };
}

const DEBUG_SWITCH = /^(?:--?|\/)(remote-debugging-(?:port|pipe|address)|inspect(?:-brk|-port|-publish-uid)?)(?:=|$)/i;

/** In a packaged app, the first debugging switch among `argv`, or null (always null in development). */
export function refusedSwitch(argv: readonly string[], isPackaged: boolean): string | null {
  if (!isPackaged) return null;
  for (const arg of argv) {
    const m = DEBUG_SWITCH.exec(arg);
    if (m) return m[1]!.toLowerCase();
  }
  return null;
}
