/**
 * Serves every response of a page with the desktop app's Content-Security-Policy (electron/csp.ts)
 * and collects the violations the browser reports (console messages and
 * `securitypolicyviolation` events), so a journey can assert that none happened.
 */
import type { Page } from '@playwright/test';
import { contentSecurityPolicy } from '../../electron/csp';

/** Installs the CSP on `page` (before it opens anything); returns the list violations go to. */
export async function withDesktopCsp(page: Page): Promise<string[]> {
  const csp = contentSecurityPolicy();
  await page.route('**/*', async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': csp } });
  });
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`Content Security Policy violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  return violations;
}
