/**
 * The one way the app opens something outside itself: http(s) links in the system browser. Every
 * other scheme (file:, javascript:, data:, smb:, custom protocol handlers that could launch
 * programs) is refused, as are URLs with embedded credentials. `shell` is injected so this is
 * unit-tested without Electron; main passes Electron's `shell`.
 */

export interface ShellLike {
  openExternal(url: string): Promise<void>;
}

/** The normalised URL when it is safe to hand to the system browser, otherwise null. */
export function safeExternalUrl(url: unknown): string | null {
  if (typeof url !== 'string' || url.length > 4096) return null;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
  if (u.username !== '' || u.password !== '') return null;
  if (u.hostname === '') return null;
  return u.href;
}

/** Opens `url` in the system browser if it is http(s); returns whether it did. */
export async function openExternalLink(url: unknown, shell: ShellLike): Promise<boolean> {
  const safe = safeExternalUrl(url);
  if (safe === null) return false;
  await shell.openExternal(safe);
  return true;
}
