/**
 * The app's small JSON files in userData (`connections.json`, `settings.json`): read back and
 * validated with a zod schema, a corrupt or unexpected file moved aside to `<file>.bak` (nothing
 * crashes, nothing is silently half-read), written atomically (temporary file + rename) with mode
 * 0600. Plain Node, unit-tested through its users.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { z } from 'zod';

export interface JsonFileRead<T> {
  /** The file's content; null when there is no file or it was moved aside. */
  data: T | null;
  /** Set when the file was unreadable and was moved to `.bak`: what to tell the person. */
  recovered: string | null;
}

export function readJsonFile<S extends z.ZodType>(file: string, schema: S): JsonFileRead<z.infer<S>> {
  if (!existsSync(file)) return { data: null, recovered: null };
  let problem: string;
  try {
    const parsed = schema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (parsed.success) return { data: parsed.data, recovered: null };
    problem = parsed.error.issues[0]?.message ?? 'unexpected content';
  } catch (err) {
    problem = err instanceof Error ? err.message : String(err);
  }
  renameSync(file, `${file}.bak`);
  return { data: null, recovered: `${file} was unreadable (${problem}); it was moved to ${file}.bak` };
}

export function writeJsonFile(file: string, value: unknown): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n', { mode: 0o600 });
  renameSync(tmp, file);
}
