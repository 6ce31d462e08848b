/**
 * The renderer's Content-Security-Policy, built in one place. Production (file://) allows only the
 * app's own files: no inline or eval'd script, no remote connections (the renderer talks to main
 * over IPC, never to the network), no plugins, no framing, no <base> or form targets. Development
 * additionally allows what the Vite dev server needs: its origin and websocket for HMR, and the
 * inline React-refresh preamble. Main sends it as a response header for every page it serves
 * (protocol.handle for file:// and webRequest for the dev server), see electron/window.ts.
 * Pure, unit-tested.
 */

export function contentSecurityPolicy(opts: { devUrl?: string } = {}): string {
  const dev = opts.devUrl ? new URL(opts.devUrl) : null;
  const devOrigin = dev ? dev.origin : '';
  const devWs = dev ? `${dev.protocol === 'https:' ? 'wss:' : 'ws:'}//${dev.host}` : '';
  const directives: Record<string, string[]> = {
    'default-src': ["'none'"],
    'script-src': dev ? ["'self'", devOrigin, "'unsafe-inline'"] : ["'self'"],
    'style-src': dev ? ["'self'", devOrigin, "'unsafe-inline'"] : ["'self'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'font-src': ["'self'", 'data:'],
    'connect-src': dev ? ["'self'", devOrigin, devWs] : ["'self'"],
    'worker-src': ["'self'", 'blob:'],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'none'"],
    'frame-src': ["'none'"],
    'frame-ancestors': ["'none'"],
  };
  return Object.entries(directives)
    .map(([k, v]) => `${k} ${v.join(' ')}`)
    .join('; ');
}

/** Adds (replacing any existing) the CSP header to a header map as Electron's webRequest gives it. */
export function withCsp(
  headers: Record<string, string[] | string> | undefined,
  csp: string,
): Record<string, string[] | string> {
  const out: Record<string, string[] | string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (k.toLowerCase() !== 'content-security-policy') out[k] = v;
  }
  out['Content-Security-Policy'] = [csp];
  return out;
}
