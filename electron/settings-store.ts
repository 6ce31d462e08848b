/**
 * The app's settings, persisted as JSON beside the remembered connections in userData
 * (`settings.json`): today the writer name, the `by` the desktop app records on its writes and
 * invalidations on a local file (on a server the server records the token's name). Unset, the
 * writer name is the default, the OS user name (src-core/services/os-user.ts); setting it to an
 * empty string or null goes back to the default. A name is checked as every `by` is
 * (model/validate.ts `validateBy`: 1 to LIMITS.byMax characters of storable text). A corrupt file
 * is moved aside to `settings.json.bak` and the defaults apply; writes are atomic (temporary file +
 * rename; json-file.ts, shared with recent-store.ts). Without a file (tests, a store opened in memory) the settings live for this run only.
 * Plain Node, unit-tested without Electron.
 */
import { z } from 'zod';
import { LIMITS } from '../src-core/model/limits';
import type { AppSettings, SettingsPatch } from '../src-core/model/store-api';
import { validateBy } from '../src-core/model/validate';
import { readJsonFile, writeJsonFile } from './json-file';

function isValidBy(v: string): boolean {
  try {
    validateBy(v);
    return true;
  } catch {
    return false;
  }
}

const fileSchema = z.strictObject({
  version: z.literal(1),
  by: z
    .string()
    .min(1)
    .max(LIMITS.byMax)
    .refine((v) => isValidBy(v), 'not a valid writer name')
    .nullable(),
});

export class SettingsStore {
  private by: string | null = null;
  /** Set when the file on disk was unreadable and was moved to `.bak`. */
  recovered: string | null = null;

  constructor(
    readonly file: string | null,
    private readonly defaultBy: () => string | null,
  ) {
    this.load();
  }

  private load(): void {
    if (this.file === null) return;
    const read = readJsonFile(this.file, fileSchema);
    this.recovered = read.recovered;
    this.by = read.data?.by ?? null;
  }

  private save(): void {
    if (this.file !== null) writeJsonFile(this.file, { version: 1, by: this.by });
  }

  /** The writer name to record on a local write: the one set, else the default. */
  writerName(): string | null {
    return this.by ?? this.defaultBy();
  }

  get(): AppSettings {
    return { by: this.writerName(), bySet: this.by !== null, byDefault: this.defaultBy(), editable: true };
  }

  /** Applies a patch; a bad name is a BAD_REQUEST naming `by`, and nothing changes. */
  update(patch: SettingsPatch): AppSettings {
    if (patch.by !== undefined) {
      const next = patch.by === null || patch.by === '' ? null : validateBy(patch.by);
      if (next !== this.by) {
        const before = this.by;
        this.by = next;
        try {
          this.save();
        } catch (err) {
          this.by = before;
          throw err;
        }
      }
    }
    return this.get();
  }
}
