/**
 * Page object for one topic: the four ARIA tabs and the controls of each (Events filters and Live,
 * Transactions rows and the invalidation dialog, Surface search/as-of/show-invalid, Diff upload
 * and results). Rows are found by their data-key (seq, txn or key).
 */
import type { Locator, Page } from '@playwright/test';

export type TabName = 'Overview' | 'Events' | 'Transactions' | 'Surface' | 'Diff';

export class TopicPage {
  constructor(readonly page: Page) {}

  tab(name: TabName): Locator {
    return this.page.getByRole('tab', { name, exact: true });
  }

  grid(name: string): Locator {
    return this.page.getByRole('grid', { name, exact: true });
  }

  bodyRows(grid: string): Locator {
    return this.grid(grid).locator('[role=row][data-key]');
  }

  row(grid: string, key: string | number): Locator {
    return this.grid(grid).locator(`[role=row][data-key="${String(key)}"]`);
  }

  // Events
  get keyFilter(): Locator {
    return this.page.getByLabel('Filter by key');
  }
  get txnFilter(): Locator {
    return this.page.getByLabel('Filter by txn');
  }
  get live(): Locator {
    return this.page.getByRole('checkbox', { name: 'Live' });
  }

  // Transactions
  invalidateButton(txn: number): Locator {
    return this.row('Transactions', txn).getByRole('button', { name: 'Invalidate' });
  }
  get dialog(): Locator {
    return this.page.getByRole('dialog');
  }

  // Surface
  get searchKeys(): Locator {
    return this.page.getByLabel('Search keys');
  }
  get showInvalid(): Locator {
    return this.page.getByRole('checkbox', { name: 'Show invalid' });
  }
  get asOf(): Locator {
    return this.page.getByLabel('As of txn');
  }

  // Diff
  async upload(name: string, mimeType: string, content: string): Promise<void> {
    await this.page.getByLabel('Upload snapshot').setInputFiles({ name, mimeType, buffer: Buffer.from(content) });
  }
  /** Drops a file on the snapshot drop zone, as dragging it from the desktop does. */
  async drop(name: string, mimeType: string, content: string): Promise<void> {
    const args = JSON.stringify([name, mimeType, content]);
    const dataTransfer = await this.page.evaluateHandle(`(() => {
      const [n, type, text] = ${args};
      const dt = new DataTransfer();
      dt.items.add(new File([text], n, { type }));
      return dt;
    })()`);
    const zone = this.page.locator('.drop-zone');
    await zone.dispatchEvent('dragover', { dataTransfer });
    await zone.dispatchEvent('drop', { dataTransfer });
  }
  count(status: 'equal' | 'different' | 'missingInStore' | 'missingInSnapshot'): Locator {
    return this.page.getByTestId(`count-${status}`);
  }
}
