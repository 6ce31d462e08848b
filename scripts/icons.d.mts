// Types of scripts/icons.mjs for the TypeScript that imports it (test/package/icons.unit.test.ts).
export declare const LINUX_SIZES: number[];
export declare const ICO_SIZES: number[];
export declare function icoFromPngs(entries: { size: number; png: Buffer }[]): Buffer;
