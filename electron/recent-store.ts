/**
 * The remembered connections, persisted as JSON in the app's userData folder
 * (`connections.json`). What is read back is validated with zod: a corrupt or unexpected file is
 * moved aside to `connections.json.bak` and the list starts fresh (nothing crashes, nothing is
 * silently half-read). Server tokens are stored only encrypted through an injected `SecretBox`
 * (Electron's safeStorage); when no encryption is available a token lives in memory for this run
 * only and is never written in clear. Tokens never leave this module except to open a connection.
 * Writes are atomic (temporary file + rename; json-file.ts). Plain Node, unit-tested without Electron.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ROLES } from '../src-core/model/access';
import type { ConnectionInfo } from '../src-core/model/store-api';
import { readJsonFile, writeJsonFile } from './json-file';

export interface SecretBox {
  /** False when the OS offers no real encryption (e.g. Linux without a keyring). */
  isAvailable(): boolean;
  encrypt(plain: string): string;
  decrypt(sealed: string): string;
}

const recordSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  kind: z.enum(['sqlite', 'http']),
  label: z.string().min(1).max(200),
  target: z.string().min(1).max(4096),
  readOnly: z.boolean(),
  color: z.string().max(40).nullable(),
  role: z.enum(ROLES),
  sealedToken: z.string().max(16_384).optional(),
  lastUsed: z.string(),
});

const fileSchema = z.strictObject({
  version: z.literal(1),
  connections: z.array(recordSchema).max(1000),
});

export type ConnectionRecord = z.infer<typeof recordSchema>;

/** How many connections are remembered; the least recently used fall off. */
export const RECENT_MAX = 20;

export function toInfo(r: ConnectionRecord): ConnectionInfo {
  return {
    id: r.id,
    kind: r.kind,
    label: r.label,
    target: r.target,
    readOnly: r.readOnly,
    color: r.color,
    role: r.role,
  };
}

export class RecentStore {
  private records: ConnectionRecord[] = [];
  /** Tokens that could not be sealed, kept for this run only. */
  private memoryTokens = new Map<string, string>();
  /** Set when the file on disk was unreadable and was moved to `.bak`. */
  recovered: string | null = null;

  constructor(
    readonly file: string,
    private readonly secrets: SecretBox,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.load();
  }

  private load(): void {
    const read = readJsonFile(this.file, fileSchema);
    this.records = read.data?.connections ?? [];
    this.recovered = read.recovered;
  }

  private save(): void {
    writeJsonFile(this.file, { version: 1, connections: this.records });
  }

  /** Most recently used first. */
  list(): ConnectionRecord[] {
    return [...this.records].sort((a, b) => (a.lastUsed < b.lastUsed ? 1 : a.lastUsed > b.lastUsed ? -1 : 0));
  }

  get(id: string): ConnectionRecord | undefined {
    return this.records.find((r) => r.id === id);
  }

  find(kind: ConnectionRecord['kind'], target: string): ConnectionRecord | undefined {
    return this.records.find((r) => r.kind === kind && r.target === target);
  }

  /**
   * Remembers a connection that was just opened (matching an existing one by kind and target),
   * marks it most recently used and returns it. `token` undefined keeps the stored token;
   * null removes it.
   */
  remember(
    entry: Omit<ConnectionRecord, 'id' | 'lastUsed' | 'sealedToken'> & { id?: string },
    token?: string | null,
  ): ConnectionRecord {
    const existing = entry.id ? this.get(entry.id) : this.find(entry.kind, entry.target);
    const rec: ConnectionRecord = {
      ...existing,
      ...entry,
      id: existing?.id ?? entry.id ?? randomUUID(),
      lastUsed: this.now().toISOString(),
    };
    if (token === null) {
      delete rec.sealedToken;
      this.memoryTokens.delete(rec.id);
    } else if (token !== undefined) {
      if (this.secrets.isAvailable()) {
        rec.sealedToken = this.secrets.encrypt(token);
        this.memoryTokens.delete(rec.id);
      } else {
        delete rec.sealedToken;
        this.memoryTokens.set(rec.id, token);
      }
    }
    this.records = [rec, ...this.records.filter((r) => r.id !== rec.id)];
    const keep = this.list().slice(0, RECENT_MAX);
    const kept = new Set(keep.map((r) => r.id));
    for (const r of this.records) if (!kept.has(r.id)) this.memoryTokens.delete(r.id);
    this.records = keep;
    this.save();
    return rec;
  }

  update(
    id: string,
    patch: Partial<Pick<ConnectionRecord, 'label' | 'readOnly' | 'color'>>,
  ): ConnectionRecord | undefined {
    const rec = this.get(id);
    if (!rec) return undefined;
    const next: ConnectionRecord = { ...rec };
    if (patch.label !== undefined) next.label = patch.label;
    if (patch.readOnly !== undefined) next.readOnly = patch.readOnly;
    if (patch.color !== undefined) next.color = patch.color;
    this.records = this.records.map((r) => (r.id === id ? next : r));
    this.save();
    return next;
  }

  forget(id: string): boolean {
    const before = this.records.length;
    this.records = this.records.filter((r) => r.id !== id);
    this.memoryTokens.delete(id);
    if (this.records.length === before) return false;
    this.save();
    return true;
  }

  /** The token of a connection, decrypted; undefined when none is stored (or it cannot be read). */
  tokenFor(id: string): string | undefined {
    const mem = this.memoryTokens.get(id);
    if (mem !== undefined) return mem;
    const sealed = this.get(id)?.sealedToken;
    if (sealed === undefined || !this.secrets.isAvailable()) return undefined;
    try {
      return this.secrets.decrypt(sealed);
    } catch {
      return undefined;
    }
  }
}
