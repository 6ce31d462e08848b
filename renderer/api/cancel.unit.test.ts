import { describe, expect, it } from 'vitest';
import { startCancellable } from './cancel';

describe('startCancellable', () => {
  it('hands onStart a function that aborts the returned signal', () => {
    let cancel: (() => void) | null = null;
    const signal = startCancellable({ onStart: (c) => (cancel = c) });
    expect(cancel).not.toBeNull();
    expect(signal.aborted).toBe(false);
    cancel!();
    expect(signal.aborted).toBe(true);
  });

  it("follows the caller's signal, before and after the start", () => {
    const late = new AbortController();
    const s1 = startCancellable({ signal: late.signal });
    expect(s1.aborted).toBe(false);
    late.abort();
    expect(s1.aborted).toBe(true);
    const early = new AbortController();
    early.abort();
    expect(startCancellable({ signal: early.signal }).aborted).toBe(true);
  });
});
