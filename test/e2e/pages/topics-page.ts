/**
 * Page object for the topic list: its filter, its rows (one per topic), and the empty state's
 * "Load sample data".
 */
import type { Locator, Page } from '@playwright/test';

export class TopicsPage {
  constructor(readonly page: Page) {}

  get grid(): Locator {
    return this.page.getByRole('grid', { name: 'Topics' });
  }

  get filter(): Locator {
    return this.page.getByLabel('Filter topics');
  }

  get loadSample(): Locator {
    return this.page.getByRole('button', { name: 'Load sample data' });
  }

  row(topic: string): Locator {
    return this.grid.locator(`[role=row][data-key="${topic}"]`);
  }

  async open(topic: string): Promise<void> {
    await this.row(topic).getByRole('link', { name: topic }).click();
  }
}
