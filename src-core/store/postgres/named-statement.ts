/**
 * The write path's statements (write.ts, topic-lock.ts) as named prepared statements: each pooled
 * connection parses and plans them once instead of on every write (planning the heads query and
 * the write statement cost more than running them for a small transaction).
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';

const statementNames = new Map<string, string>();

/**
 * `text` as a named prepared statement. The name is derived from the text, which includes the
 * schema, so stores of two schemas never share one.
 */
export function prepared(text: string, values: unknown[]): pg.QueryConfig {
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `tm_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
    statementNames.set(text, name);
  }
  return { name, text, values };
}
