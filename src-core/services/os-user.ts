/**
 * Who a person is on this machine, for the `by` that embedded writers record on a local store (the
 * CLI with --db/--pg, the desktop app on a file): the OS user name, when the system has an entry
 * for the process and the name is a valid `by` (model/validate.ts `validateBy`), else null. A
 * server never uses it: there `by` is the name of the request's token.
 */
import { userInfo } from 'node:os';
import { validateBy } from '../model/validate';

export function osUserName(): string | null {
  try {
    return validateBy(userInfo().username);
  } catch {
    return null;
  }
}
