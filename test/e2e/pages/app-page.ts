/**
 * Page object for the app shell: opening it on a route, the status bar, the connections screen,
 * the dark-mode toggle and the command palette.
 */
import { expect, type Locator, type Page } from '@playwright/test';

export class AppPage {
  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {}

  async open(hash = '#/topics'): Promise<void> {
    await this.page.goto(`${this.baseUrl}/${hash}`);
  }

  get statusBar(): Locator {
    return this.page.getByRole('contentinfo', { name: 'Connection status' });
  }

  get darkMode(): Locator {
    return this.page.getByLabel('Dark mode');
  }

  async gotoConnections(): Promise<void> {
    await this.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Connections' }).click();
  }

  async setReadOnly(on: boolean): Promise<void> {
    await this.gotoConnections();
    // Click when it differs, then wait for the box to show the new state: the app ticks it at once
    // (optimistically), but the check must not depend on the render landing inside the click.
    const box = this.page.getByRole('checkbox', { name: 'Read-only', exact: true });
    if ((await box.isChecked()) !== on) await box.click();
    await expect(box).toBeChecked({ checked: on });
  }

  async palette(): Promise<Locator> {
    await this.page.keyboard.press('Control+k');
    return this.page.getByRole('dialog', { name: 'Jump to topic' });
  }
}
