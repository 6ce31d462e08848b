#!/usr/bin/env node
/**
 * Makes every icon file from the one source, build/icon.svg: the PNGs electron-builder packages
 * (build/icon.png at 1024 px for macOS and Windows, build/icons/NxN.png for Linux) and
 * build/icon.ico (16, 24, 32, 48, 64 and 256 px, PNG-compressed entries), which is also the web UI's
 * favicon.ico (vite.config.ts serves build/icon.svg as favicon.svg and this file as favicon.ico).
 * The SVG is rasterised by headless Chromium (playwright-core, a dev dependency, driving the
 * system's Chromium: /usr/bin/chromium or $TIDEMARK_CHROMIUM), so no image library is needed. The
 * outputs are committed; build/icons/source.sha256 records the SVG they were made from, and a unit
 * test fails when the SVG changed without running this again.
 *
 * Usage: node scripts/icons.mjs
 */
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const source = path.join(root, 'build', 'icon.svg');
const iconsDir = path.join(root, 'build', 'icons');

export const LINUX_SIZES = [16, 24, 32, 48, 64, 128, 256, 512];
export const ICO_SIZES = [16, 24, 32, 48, 64, 256];

/** An ICO file whose entries are PNG images (supported since Windows Vista, and by every browser). */
export function icoFromPngs(entries) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(entries.length, 4);
  const dir = Buffer.alloc(16 * entries.length);
  let offset = 6 + dir.length;
  entries.forEach(({ size, png }, i) => {
    const at = i * 16;
    dir.writeUInt8(size >= 256 ? 0 : size, at);
    dir.writeUInt8(size >= 256 ? 0 : size, at + 1);
    dir.writeUInt8(0, at + 2);
    dir.writeUInt8(0, at + 3);
    dir.writeUInt16LE(1, at + 4);
    dir.writeUInt16LE(32, at + 6);
    dir.writeUInt32LE(png.length, at + 8);
    dir.writeUInt32LE(offset, at + 12);
    offset += png.length;
  });
  return Buffer.concat([header, dir, ...entries.map((e) => e.png)]);
}

async function main() {
  const svg = readFileSync(source);
  const browser = await chromium.launch({
    executablePath: process.env.TIDEMARK_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
  const png = {};
  try {
    const page = await browser.newPage();
    const src = `data:image/svg+xml;base64,${svg.toString('base64')}`;
    for (const size of [...new Set([...LINUX_SIZES, ...ICO_SIZES, 1024])]) {
      await page.setViewportSize({ width: size, height: size });
      await page.setContent(
        `<html><body style="margin:0;background:transparent"><img src="${src}" width="${size}" height="${size}" style="display:block"></body></html>`,
      );
      await page.locator('img').evaluate((img) => img.decode());
      png[size] = await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
    }
  } finally {
    await browser.close();
  }
  mkdirSync(iconsDir, { recursive: true });
  writeFileSync(path.join(root, 'build', 'icon.png'), png[1024]);
  for (const size of LINUX_SIZES) writeFileSync(path.join(iconsDir, `${size}x${size}.png`), png[size]);
  writeFileSync(path.join(root, 'build', 'icon.ico'), icoFromPngs(ICO_SIZES.map((size) => ({ size, png: png[size] }))));
  writeFileSync(path.join(iconsDir, 'source.sha256'), createHash('sha256').update(svg).digest('hex') + '\n');
  console.log(`icons: wrote build/icon.png, build/icon.ico and ${LINUX_SIZES.length} sizes in build/icons`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
