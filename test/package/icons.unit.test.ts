/**
 * The icons: every icon file is made from build/icon.svg by scripts/icons.mjs and committed. Checks
 * that they were made from the SVG as it is now (build/icons/source.sha256), that each PNG has the
 * size its name says, that the ICO holds the sizes Windows and browsers pick from, and that
 * electron-builder.yml points every platform at a file that exists.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { getConfig } from 'app-builder-lib/out/util/config/config';
import { describe, expect, it } from 'vitest';
import { ICO_SIZES, LINUX_SIZES, icoFromPngs } from '../../scripts/icons.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
const file = (p: string): Buffer => readFileSync(join(ROOT, p));

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Buffer): [number, number] {
  expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
}

/** The sizes an ICO file's directory lists (0 means 256). */
function icoSizes(ico: Buffer): number[] {
  expect(ico.readUInt16LE(2)).toBe(1);
  return Array.from({ length: ico.readUInt16LE(4) }, (_, i) => ico.readUInt8(6 + i * 16) || 256);
}

describe('icons', () => {
  it('were made from build/icon.svg as it is now (run `node scripts/icons.mjs` after changing it)', () => {
    const sha = createHash('sha256').update(file('build/icon.svg')).digest('hex');
    expect(file('build/icons/source.sha256').toString('utf8').trim()).toBe(sha);
  });

  it('PNGs have the sizes their names say', () => {
    expect(pngSize(file('build/icon.png'))).toEqual([1024, 1024]);
    for (const size of LINUX_SIZES) expect(pngSize(file(`build/icons/${size}x${size}.png`))).toEqual([size, size]);
  });

  it('the ICO holds PNG entries of every size, each where its directory says', () => {
    const ico = file('build/icon.ico');
    expect(icoSizes(ico)).toEqual(ICO_SIZES);
    ICO_SIZES.forEach((size, i) => {
      const length = ico.readUInt32LE(6 + i * 16 + 8);
      const offset = ico.readUInt32LE(6 + i * 16 + 12);
      expect(pngSize(ico.subarray(offset, offset + length))).toEqual([size, size]);
    });
    // the writer itself: one entry, directory then data
    const png = file('build/icons/16x16.png');
    const one = icoFromPngs([{ size: 16, png }]);
    expect(icoSizes(one)).toEqual([16]);
    expect(one.subarray(22).equals(png)).toBe(true);
  });

  it('electron-builder.yml gives every platform an icon that exists', async () => {
    const config = await getConfig(ROOT, 'electron-builder.yml', null);
    expect(config.directories?.buildResources).toBe('build');
    const icons = { linux: config.linux?.icon, mac: config.mac?.icon, win: config.win?.icon };
    expect(icons).toEqual({ linux: 'build/icons', mac: 'build/icon.png', win: 'build/icon.ico' });
    for (const p of Object.values(icons)) expect(existsSync(join(ROOT, p!))).toBe(true);
  });

  it('the web UI links the favicon (served and emitted by vite.config.ts; checked in a browser by csp.e2e.ts)', () => {
    const html = file('renderer/index.html').toString('utf8');
    expect(html).toContain('<link rel="icon" href="./favicon.svg" type="image/svg+xml" />');
  });
});
