/**
 * `npm run perf:ui` — how the app feels on a big topic, measured in real Chromium (not a timed
 * test; figures are printed). Builds (once, cached in the temp dir) a store with a 1,000,000-event
 * topic over 100,000 keys, serves it with `tidemark serve`, then measures:
 *  1. opening the topic (cold page load of its Events tab, and a click from the topic list) until
 *     its first rows are on screen (target < 1 s);
 *  2. scrolling the whole 100k-key surface to its end while a PerformanceObserver counts long
 *     tasks (target: none > 100 ms).
 * Options: --events N (default 1e6), --keys N (default 1e5), --fresh (rebuild the store).
 */
import { existsSync, renameSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { openSqliteStore } from '../src-core/store/sqlite';
import type { EventInput } from '../src-core/model/types';
import { startServer } from '../test/e2e/server';

const TOPIC = 'perf.events';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}

async function buildStore(file: string, events: number, keys: number): Promise<void> {
  const store = openSqliteStore(file, { synchronous: 'NORMAL' });
  const perTxn = 10_000;
  const t0 = performance.now();
  for (let done = 0; done < events; done += perTxn) {
    const batch: EventInput[] = [];
    for (let i = done; i < Math.min(events, done + perTxn); i++) {
      const k = i % keys;
      batch.push({
        key: `K-${String(k).padStart(7, '0')}`,
        data: { n: i, qty: (i * 7) % 1000, px: ((i * 13) % 10_000) / 100, side: i % 2 ? 'BUY' : 'SELL' },
      });
    }
    await store.append(TOPIC, { events: batch });
    if ((done / perTxn) % 10 === 0) process.stdout.write(`  built ${done + batch.length} events\r`);
  }
  await store.close();
  console.log(`  built ${events} events over ${keys} keys in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

async function firstRowsAfter(page: Page, action: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await action();
  await page.getByRole('grid', { name: 'Events' }).locator('[role=row][data-key]').first().waitFor();
  return performance.now() - t0;
}

async function main(): Promise<void> {
  const events = arg('events', 1_000_000);
  const keys = arg('keys', 100_000);
  const db = join(tmpdir(), `tidemark-perf-ui-${events}-${keys}.db`);
  if (process.argv.includes('--fresh')) for (const s of ['', '-wal', '-shm']) rmSync(db + s, { force: true });
  if (!existsSync(db)) {
    // Built under another name and renamed when complete, so a failed build is never reused.
    const partial = `${db}.building`;
    for (const s of ['', '-wal', '-shm']) rmSync(partial + s, { force: true });
    await buildStore(partial, events, keys);
    renameSync(partial, db);
  } else console.log(`  reusing ${db}`);

  const server = await startServer({ dbPath: db });
  const browser = await chromium.launch({
    executablePath: process.env.TIDEMARK_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.addInitScript(`
      window.__longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__longTasks.push(e.duration);
      }).observe({ type: 'longtask', buffered: true });
    `);

    // Warm the server and the browser cache once (the build's JS/CSS), as a person reopening the app.
    await page.goto(`${server.url}/#/topics`);
    await page.getByRole('grid', { name: 'Topics' }).locator('[role=row][data-key]').first().waitFor();

    const cold: number[] = [];
    const click: number[] = [];
    for (let i = 0; i < 3; i++) {
      cold.push(await firstRowsAfter(page, () => page.goto(`${server.url}/?r=${i}#/topic/${TOPIC}/events`)));
      await page.goto(`${server.url}/?s=${i}#/topics`);
      await page.getByRole('link', { name: TOPIC }).waitFor();
      click.push(await firstRowsAfter(page, () => page.getByRole('link', { name: TOPIC }).click()));
    }

    // Scroll the whole surface.
    await page.goto(`${server.url}/?surface#/topic/${TOPIC}/surface`);
    const grid = page.getByRole('grid', { name: 'Surface' });
    await grid.locator('[role=row][data-key]').first().waitFor();
    await page.evaluate('window.__longTasks = []');
    const t0 = performance.now();
    // A string, not a function: tsx's name helpers (`__name`) do not exist in the page.
    const result = await page.evaluate<{ steps: number; lastKey: string }>(`(async () => {
      const want = ${keys};
      const scroller = document.querySelector('[aria-label="Surface"] .vt-scroll');
      if (!(scroller instanceof HTMLElement)) throw new Error('no surface scroller');
      const deadline = performance.now() + 240000;
      let steps = 0;
      let lastKey = '';
      while (performance.now() < deadline) {
        scroller.scrollTop += 1600; // ~50 rows a frame: a fast flick
        steps++;
        await new Promise((r) => requestAnimationFrame(() => r()));
        const rows = scroller.querySelectorAll('[role=row][data-key]');
        lastKey = rows[rows.length - 1]?.getAttribute('data-key') ?? lastKey;
        if (Number(lastKey.slice(2)) >= want - 1) break;
      }
      return { steps, lastKey };
    })()`);
    const seconds = (performance.now() - t0) / 1000;
    const longTasks = await page.evaluate<number[]>('window.__longTasks');
    const over100 = longTasks.filter((d) => d > 100);

    const fmt = (xs: number[]): string => xs.map((x) => `${Math.round(x)} ms`).join(', ');
    console.log(`\nperf:ui — ${events.toLocaleString('en-US')} events, ${keys.toLocaleString('en-US')} keys`);
    // Long tasks stretch with CPU contention; the load average says how busy the machine was.
    console.log(`  load average (1 min) at the end: ${loadavg()[0]!.toFixed(1)}`);
    console.log(`  open topic (page load) -> first rows: ${fmt(cold)} (target < 1000 ms)`);
    console.log(`  open topic (click in list) -> first rows: ${fmt(click)}`);
    console.log(
      `  surface scroll: reached ${result.lastKey} in ${seconds.toFixed(1)} s (${result.steps} frames); long tasks: ${longTasks.length}, > 100 ms: ${over100.length}, max ${Math.round(Math.max(0, ...longTasks))} ms`,
    );
  } finally {
    await browser.close();
    await server.stop();
  }
}

await main();
