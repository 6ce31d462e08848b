/** What a desktop repair job hands the repair service: the options a renderer request becomes (repairOptionsOf). */
import { describe, expect, it } from 'vitest';
import { repairOptionsOf } from './jobs';

describe('repairOptionsOf', () => {
  it('hands the request to the repair service as given, the file name as name, and who writes', () => {
    const opts = repairOptionsOf({
      job: 'repair',
      topic: 't',
      source: { kind: 'path', path: '/x/up.csv' },
      fileName: 'up.csv',
      format: 'csv',
      keyField: 'id',
      include: ['different'],
      reason: 'why',
      dryRun: true,
      expectMaxSeq: 4,
      keys: ['a'],
      limit: 5,
      by: 'ana',
    });
    expect(opts).toEqual({
      keyField: 'id',
      include: ['different'],
      reason: 'why',
      dryRun: true,
      expectMaxSeq: 4,
      keys: ['a'],
      limit: 5,
      by: 'ana',
      name: 'up.csv',
    });
  });

  it('records no name for a snapshot without one', () => {
    expect(
      repairOptionsOf({
        job: 'repair',
        topic: 't',
        source: { kind: 'bytes', bytes: new Uint8Array() },
        fileName: '',
        reason: 'r',
      }),
    ).toEqual({ reason: 'r' });
  });
});
