/**
 * Process-wide hardening of the Electron app, applied once before any window exists (Electron-only;
 * the decisions themselves live in pure, unit-tested modules: trust.ts, csp.ts, external-links.ts,
 * downloads.ts).
 * - Every response our windows load carries the CSP: file:// is served through `protocol.handle`
 *   (which also refuses any file outside the renderer directory), the dev server through
 *   `webRequest.onHeadersReceived`.
 * - Every permission request and check is denied (no camera, notifications, geolocation...).
 * - Downloads (`will-download`): only a blob: URL made by our own app page is saved — the renderer
 *   exports diff results that way — through a save dialog that starts in the Downloads folder;
 *   every other download is cancelled (downloads.ts decides, by the same trust rule as navigation).
 * - For every webContents: navigation away from the app is blocked (an http(s) target opens in
 *   the system browser instead), new windows are denied (same), <webview> is refused.
 */
import { app, net, protocol, session, shell, type Session } from 'electron';
import { contentSecurityPolicy, withCsp } from './csp';
import { decideDownload } from './downloads';
import { openExternalLink } from './external-links';
import { isAppUrl, type AppOrigin } from './trust';

export function hardenSession(ses: Session, origin: AppOrigin): void {
  const csp = contentSecurityPolicy(origin.kind === 'dev' ? { devUrl: origin.url } : {});
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.on('will-download', (event, item, contents) => {
    const d = decideDownload(
      { url: item.getURL(), pageUrl: contents.getURL(), suggestedName: item.getFilename() },
      origin,
      app.getPath('downloads'),
    );
    if (d.action === 'refuse') {
      event.preventDefault();
      return;
    }
    // setSavePath / the dialog options must be set synchronously here; Electron then shows the
    // native save dialog without blocking main (the Dialogs service is async, so it cannot be used).
    item.setSaveDialogOptions(d.dialog);
  });
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
