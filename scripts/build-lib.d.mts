// Types of scripts/build-lib.mjs for the TypeScript that imports it (test/build-lib.setup.ts).
export declare const ENTRIES: Record<string, string>;
export declare function buildJs(): Promise<{ files: number; ms: number }>;
export declare function buildTypes(): { files: number; ms: number };
