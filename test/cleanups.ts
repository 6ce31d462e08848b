/**
 * What a test opened (servers, stores, connections, temporary directories, schemas), closed after
 * it. `const cleanups = cleanupsAfterEach()` at a test file's top level registers one `afterEach`
 * that runs everything pushed onto the list, newest first (what was opened last may depend on what
 * was opened before it), and empties it. Every cleanup runs even when one before it fails; the
 * first failure then fails the test, so a close that throws is seen and leaks nothing into the next
 * test.
 */
import { afterEach } from 'vitest';

/** A test file's cleanups, run in reverse order after each test. */
export type Cleanups = (() => Promise<void> | void)[];

/** A list to push cleanups onto, emptied after each test of the calling file (runCleanups). */
export function cleanupsAfterEach(): Cleanups {
  const cleanups: Cleanups = [];
  afterEach(() => runCleanups(cleanups));
  return cleanups;
}

/** Empties `cleanups` and runs them newest first, every one; then throws the first failure, if any. */
export async function runCleanups(cleanups: Cleanups): Promise<void> {
  const failures: unknown[] = [];
  for (const c of cleanups.splice(0).reverse()) {
    try {
      await c();
    } catch (err) {
      failures.push(err);
    }
  }
  if (failures.length > 0) throw failures[0];
}
