/**
 * electron-builder.yml, read and schema-validated by electron-builder's own loader (app-builder-lib,
 * installed with electron-builder): identity, targets for every platform, the files it packs, and
 * that better-sqlite3's native addon is unpacked from the asar archive (it cannot load from inside),
 * and the Electron fuses that lock the packaged binary down (run-as-node, NODE_OPTIONS and
 * --inspect off; code only from an integrity-checked app.asar).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FuseV1Options, getCurrentFuseWire, flipFuses, type FuseConfig } from '@electron/fuses';
import { PlatformPackager } from 'app-builder-lib';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config';
import { DebugLogger } from 'builder-util/out/DebugLogger';
import { minimatch } from 'minimatch';
import { describe, expect, it } from 'vitest';
import viteConfig from '../../vite.config';

const root = path.resolve(import.meta.dirname, '../..');

async function load() {
  const config = await getConfig(root, 'electron-builder.yml', null);
  await validateConfiguration(config, new DebugLogger(false));
  return config;
}

function patternsOf(v: unknown): string[] {
  const list = Array.isArray(v) ? (v as unknown[]) : v === undefined || v === null ? [] : [v];
  return list.flatMap((e) => {
    if (typeof e === 'string') return [e];
    const filter = (e as { filter?: string | string[] }).filter;
    return filter === undefined ? [] : Array.isArray(filter) ? filter : [filter];
  });
}

/** electron-builder semantics: included by some positive pattern, not excluded by a later "!". */
function packs(patterns: string[], file: string): boolean {
  let included = false;
  for (const p of patterns) {
    if (p.startsWith('!')) {
      if (minimatch(file, p.slice(1), { dot: true })) included = false;
    } else if (minimatch(file, p, { dot: true })) included = true;
  }
  return included;
}

function targets(v: unknown): string[] {
  const list = Array.isArray(v) ? (v as unknown[]) : [v];
  return list.map((t) => (typeof t === 'string' ? t : (t as { target: string }).target));
}

describe('electron-builder.yml', () => {
  it('loads and passes electron-builder schema validation', async () => {
    const config = await load();
    expect(config.appId).toBe('dev.tidemark.desktop');
    expect(config.productName).toBe('Tidemark');
    // the validation has teeth: a misspelt key is refused
    await expect(
      validateConfiguration({ ...config, asarUnpak: ['x'] } as typeof config, new DebugLogger(false)),
    ).rejects.toThrow(/configuration object that does not match/);
  });

  it('targets AppImage + deb, dmg and nsis', async () => {
    const config = await load();
    expect(targets(config.linux?.target).sort()).toEqual(['AppImage', 'deb']);
    expect(targets(config.mac?.target)).toEqual(['dmg']);
    expect(targets(config.win?.target)).toEqual(['nsis']);
  });

  it('packs the built app and package.json, not source maps or sources', async () => {
    const files = patternsOf((await load()).files);
    for (const f of [
      'dist-electron/main.cjs',
      'dist-electron/preload.cjs',
      'dist-electron/job-worker.cjs',
      'dist-electron/chunks/sqlite-binding-abc.cjs',
      'dist/renderer/index.html',
      'dist/renderer/assets/index-abc.js',
      'package.json',
    ]) {
      expect(packs(files, f), f).toBe(true);
    }
    for (const f of ['dist-electron/main.cjs.map', 'electron/main.ts', 'src-core/model/types.ts', 'test/x.test.ts']) {
      expect(packs(files, f), f).toBe(false);
    }
  });

  it('unpacks the better-sqlite3 addon from the asar and rebuilds it for Electron', async () => {
    const config = await load();
    expect(config.asar).not.toBe(false);
    const unpack = patternsOf(config.asarUnpack);
    expect(packs(unpack, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node')).toBe(true);
    expect(packs(unpack, 'node_modules/better-sqlite3/lib/index.js')).toBe(false);
    expect(config.npmRebuild).not.toBe(false);
  });

  it('flips the Electron fuses that lock the packaged app down', async () => {
    const config = await load();
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
    });
    // onlyLoadAppFromAsar and integrity validation mean nothing without an asar archive.
    expect(config.asar).not.toBe(false);
    // the schema knows the key: a misspelt fuse is refused, so the test above cannot pass on a typo
    await expect(
      validateConfiguration(
        { ...config, electronFuses: { runAsNod: false } } as unknown as typeof config,
        new DebugLogger(false),
      ),
    ).rejects.toThrow(/configuration object that does not match/);
  });

  it("flips them in the fuse wire exactly as electron-builder's packager writes it", async () => {
    // A stand-in for the Electron binary: the fuse sentinel followed by a V1 wire of 8 fuses in
    // Electron's default states ('1' on, '0' off), between filler bytes. electron-builder turns the
    // config into a fuse config (its own generateFuseConfig) and @electron/fuses flips the wire.
    const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
    const defaults = '10110001'; // RunAsNode, CookieEncryption, NodeOptions, Inspect, AsarIntegrity, OnlyAsar, V8Snapshot, FileProtocol
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tidemark-fuses-'));
    try {
      const binary = path.join(dir, 'electron');
      writeFileSync(
        binary,
        Buffer.concat([
          Buffer.alloc(4096, 7),
          Buffer.from(`${SENTINEL}\x01\x08${defaults}`, 'latin1'),
          Buffer.alloc(4096, 7),
        ]),
      );
      const generate = (
        PlatformPackager.prototype as unknown as { generateFuseConfig: (f: unknown) => Promise<FuseConfig> }
      ).generateFuseConfig;
      const fuseConfig = await generate.call(null, (await load()).electronFuses);
      expect(await flipFuses(binary, fuseConfig)).toBe(1);
      const wire = (await getCurrentFuseWire(binary)) as unknown as Record<number, number>;
      const on = (o: FuseV1Options): boolean => String.fromCharCode(wire[o]!) === '1';
      expect(on(FuseV1Options.RunAsNode)).toBe(false);
      expect(on(FuseV1Options.EnableNodeOptionsEnvironmentVariable)).toBe(false);
      expect(on(FuseV1Options.EnableNodeCliInspectArguments)).toBe(false);
      expect(on(FuseV1Options.OnlyLoadAppFromAsar)).toBe(true);
      expect(on(FuseV1Options.EnableEmbeddedAsarIntegrityValidation)).toBe(true);
      // untouched: Electron's defaults
      expect(on(FuseV1Options.EnableCookieEncryption)).toBe(false);
      expect(on(FuseV1Options.GrantFileProtocolExtraPrivileges)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('agrees with package.json main and the renderer build output', async () => {
    const pkg = (await import('../../package.json')).default as { main: string };
    expect(pkg.main).toBe('dist-electron/main.cjs');
    expect(packs(patternsOf((await load()).files), pkg.main)).toBe(true);
    // main loads ../dist/renderer relative to dist-electron; the renderer build must write there.
    const outDir = viteConfig.build?.outDir;
    expect(outDir && path.relative(root, outDir)).toBe(path.join('dist', 'renderer'));
    expect(viteConfig.base).toBe('./');
  });
});
