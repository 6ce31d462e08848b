/** The test files' cleanup list (test/cleanups.ts): newest first, every one, first failure thrown. */
import { describe, expect, it } from 'vitest';
import { type Cleanups, runCleanups } from './cleanups';

describe('runCleanups', () => {
  it('runs every cleanup newest first, awaiting each, and empties the list', async () => {
    const ran: string[] = [];
    const cleanups: Cleanups = [
      () => void ran.push('first'),
      async () => {
        await new Promise((r) => setTimeout(r, 5));
        ran.push('second');
      },
      () => void ran.push('third'),
    ];
    await runCleanups(cleanups);
    expect(ran).toEqual(['third', 'second', 'first']);
    expect(cleanups).toEqual([]);
  });

  it('runs the cleanups after a failing one, then throws the first failure', async () => {
    const ran: string[] = [];
    const cleanups: Cleanups = [
      () => void ran.push('first'),
      () => {
        throw new Error('older close failed');
      },
      () => void ran.push('middle'),
      () => Promise.reject(new Error('newest close failed')),
    ];
    await expect(runCleanups(cleanups)).rejects.toThrow('newest close failed');
    expect(ran).toEqual(['middle', 'first']);
    expect(cleanups).toEqual([]);
  });
});
