/**
 * Shared helpers of the contract suite: a per-test store fixture (a fresh store from the backend's
 * factory before each test, cleaned up after), an assertion that a promise rejects with a given
 * error code and a message naming a field, paging helpers that read a whole log or surface through
 * the public interface, and `waitFor` for listeners that deliver asynchronously (remote backends).
 */
import { afterEach, beforeEach, expect } from 'vitest';
import type { ErrorCode } from '../../src-core/model/errors';
import type { StoredEvent, SurfaceOptions, SurfaceRow } from '../../src-core/model/types';
import type { EventStore } from '../../src-core/store/types';

export type MakeStore = () => Promise<{ store: EventStore; cleanup: () => Promise<void> }>;

export interface ContractOptions {
  /** fast-check runs of the property test (default 50). */
  propertyRuns?: number;
}

export interface StoreFixture {
  readonly store: EventStore;
}

/** Registers beforeEach/afterEach in the current describe; `fixture.store` is fresh per test. */
export function useStore(makeStore: MakeStore): StoreFixture {
  let current: { store: EventStore; cleanup: () => Promise<void> } | undefined;
  beforeEach(async () => {
    current = await makeStore();
  });
  afterEach(async () => {
    const c = current;
    current = undefined;
    if (c) await c.cleanup();
  });
  return {
    get store(): EventStore {
      if (!current) throw new Error('no store: use fixture.store inside a test');
      return current.store;
    },
  };
}

/** Asserts that `p` rejects with `code`, and (if given) a message matching `message`. */
export async function expectCode(p: Promise<unknown>, code: ErrorCode, message?: RegExp): Promise<void> {
  let caught: unknown;
  try {
    await p;
  } catch (err) {
    caught = err;
  }
  expect(caught, `expected a ${code} error`).toBeDefined();
  const e = caught as { code?: unknown; message?: unknown };
  expect({ code: e.code, message: e.message }).toMatchObject({ code });
  if (message) expect(String(e.message)).toMatch(message);
}

/** Every event of a topic, read through `readEvents` pages of `pageSize`. */
export async function readAll(store: EventStore, topic: string, pageSize = 1000): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  let after = 0;
  for (;;) {
    const page = await store.readEvents(topic, { after, limit: pageSize });
    out.push(...page.events);
    if (page.next === null) return out;
    expect(page.next).toBe(page.events[page.events.length - 1]!.seq);
    after = page.next;
  }
}

/** A whole surface, read through `surface` pages of `pageSize`. */
export async function surfaceAll(
  store: EventStore,
  topic: string,
  opts: Omit<SurfaceOptions, 'after' | 'limit'> = {},
  pageSize = 1000,
): Promise<SurfaceRow[]> {
  const out: SurfaceRow[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await store.surface(topic, { ...opts, limit: pageSize, ...(after !== undefined ? { after } : {}) });
    out.push(...page.rows);
    if (page.next === null) return out;
    expect(page.next).toBe(page.rows[page.rows.length - 1]!.key);
    after = page.next;
  }
}

/** Polls `check` until it stops throwing (or rethrows its last failure after `timeoutMs`). */
export async function waitFor(check: () => void, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  for (;;) {
    try {
      check();
      return;
    } catch (err) {
      if (Date.now() - start > timeoutMs) throw err;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

let counter = 0;
/** A topic name unlikely to collide, for backends whose factory shares state between tests. */
export function freshTopic(base = 't'): string {
  counter++;
  return `${base}.${process.pid}.${Date.now().toString(36)}.${counter}`;
}

export const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
export const HEX64 = /^[0-9a-f]{64}$/;
