// Types of scripts/electron-binary.mjs for the TypeScript that imports it (tests, test/electron).
export type ElectronProblem = 'not-installed' | 'no-binary' | 'broken';
export type FoundElectron =
  { ok: true; path: string; version: string } | { ok: false; problem: ElectronProblem; detail: string };
export declare function findElectron(root?: string, env?: NodeJS.ProcessEnv): FoundElectron;
export declare function problemMessage(found: { problem: ElectronProblem; detail: string }): string;
