/**
 * Process-wide hardening of the Electron app, applied once before any window exists (Electron-only;
 * the decisions themselves live in pure, unit-tested modules: trust.ts, csp.ts, external-links.ts).
 * - Every response our windows load carries the CSP: file:// is served through `protocol.handle`
 *   (which also refuses any file outside the renderer directory), the dev server through
 *   `webRequest.onHeadersReceived`.
 * - Every permission request and check is denied (no camera, notifications, geolocation...).
 * - For every webContents: navigation away from the app is blocked (an http(s) target opens in
 *   the system browser instead), new windows are denied (same), <webview> is refused.
 */
import { app, net, protocol, session, shell, type Session } from 'electron';
import { contentSecurityPolicy, withCsp } from './csp';
import { openExternalLink } from './external-links';
import { isAppUrl, type AppOrigin } from './trust';

export function hardenSession(ses: Session, origin: AppOrigin): void {
  const csp = contentSecurityPolicy(origin.kind === 'dev' ? { devUrl: origin.url } : {});
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withCsp(details.responseHeaders, csp) });
  });
  if (origin.kind === 'file') {
    protocol.handle('file', async (request) => {
      if (!isAppUrl(request.url, origin)) return new Response('Not found', { status: 404 });
      const res = await net.fetch(request.url, { bypassCustomProtocolHandlers: true });
      const headers = new Headers(res.headers);
      headers.set('Content-Security-Policy', csp);
      headers.set('X-Content-Type-Options', 'nosniff');
      return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
    });
  }
}

export function hardenWebContents(origin: AppOrigin): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (isAppUrl(url, origin)) return;
      event.preventDefault();
      void openExternalLink(url, shell);
    });
    contents.on('will-redirect', (event, url) => {
      if (!isAppUrl(url, origin)) event.preventDefault();
    });
    contents.setWindowOpenHandler(({ url }) => {
      void openExternalLink(url, shell);
      return { action: 'deny' };
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
}

export function hardenApp(origin: AppOrigin): void {
  hardenSession(session.defaultSession, origin);
  hardenWebContents(origin);
}
