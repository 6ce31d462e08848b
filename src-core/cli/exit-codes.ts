/**
 * The exit statuses of the `tidemark` command, one place for all of them (docs/cli.md, "Exit
 * codes"): 0 success (also when the reader of stdout closed the pipe), 1 a failure, 2 a usage
 * error found before anything ran (unknown command or option, a bad or missing option value),
 * 3 `diff --exit-code` found differences (and `compare` found two logs that are not equal), 4 `verify`
 * found a topic that failed verification, 130 interrupted by Ctrl-C.
 */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  /** `diff --exit-code` found differences; `compare` found a topic whose logs are not equal. */
  differences: 3,
  /** `tidemark verify`: at least one topic failed (its firstBad printed). */
  verifyFailed: 4,
  interrupted: 130,
} as const;
