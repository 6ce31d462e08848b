// Types of serve-node.mjs (plain JavaScript, run by node before the CLI bundle is loaded).
export declare const SERVE_SEMI_SPACE_MB: number;
export declare const SEMI_SPACE_ENV: string;
export declare function serveNodeFlags(
  env: Record<string, string | undefined>,
  execArgv: readonly string[],
  platform: string,
): { flags: string[]; warning: string | null };
export declare function reexecFlags(
  args: readonly string[],
  env: Record<string, string | undefined>,
  execArgv: readonly string[],
  platform: string,
): { flags: string[] | null; warning: string | null };
export declare function runReexecuted(
  script: string,
  args: readonly string[],
  flags: readonly string[],
): Promise<never>;
export declare const PARENT_FD_ENV: string;
export declare function watchParent(env: Record<string, string | undefined>): void;
