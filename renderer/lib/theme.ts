/**
 * Dark mode: follows the OS (`prefers-color-scheme`) until the person flips the toggle, which is
 * then remembered in localStorage. Applied as `data-theme` on <html>; styles.css keys its CSS
 * variables off it.
 */
import { useCallback, useEffect, useSyncExternalStore } from 'react';

const KEY = 'tidemark.theme';
type Choice = 'dark' | 'light' | null;

function readChoice(): Choice {
  const v = localStorage.getItem(KEY);
  return v === 'dark' || v === 'light' ? v : null;
}

const listeners = new Set<() => void>();
function subscribe(cb: () => void): () => void {
  listeners.add(cb);
  const mq = window.matchMedia('(prefers-color-scheme: dark)');
  mq.addEventListener('change', cb);
  return () => {
    listeners.delete(cb);
    mq.removeEventListener('change', cb);
  };
}

function isDark(): boolean {
  const c = readChoice();
  return c ? c === 'dark' : window.matchMedia('(prefers-color-scheme: dark)').matches;
}

function subscribeThemeName(cb: () => void): () => void {
  const obs = new MutationObserver(cb);
  obs.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  return () => obs.disconnect();
}

/**
 * The theme in effect (`data-theme` on <html>, once applied), for canvases that read the theme's
 * CSS variables and must redraw when it flips.
 */
export function useThemeName(): string {
  return useSyncExternalStore(subscribeThemeName, () => document.documentElement.dataset.theme ?? '');
}

export function useDarkMode(): [boolean, (dark: boolean) => void] {
  const dark = useSyncExternalStore(subscribe, isDark);
  useEffect(() => {
    document.documentElement.dataset.theme = dark ? 'dark' : 'light';
  }, [dark]);
  const set = useCallback((d: boolean) => {
    localStorage.setItem(KEY, d ? 'dark' : 'light');
    for (const l of listeners) l();
  }, []);
  return [dark, set];
}
