/** Repair options: their checks, the keys NDJSON reader and its limits, and what meta.repair records of them. */
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../model/limits';
import { checkRepairOptions, parseKeysNdjson, recordedOptions } from './repair-options';

describe('repair options', () => {
  it('reads keys from NDJSON, skipping blank lines, naming bad lines', () => {
    expect(parseKeysNdjson('"a"\r\n\n"b,\\"c"\n')).toEqual(['a', 'b,"c']);
    expect(() => parseKeysNdjson('"a"\nb\n')).toThrow(/keys: line 2 is not JSON/);
    expect(() => parseKeysNdjson('1\n')).toThrow(/line 1 is not a JSON string/);
    expect(() => parseKeysNdjson('""\n')).toThrow(/keys line 1/);
    expect(() => parseKeysNdjson('"a"\n'.repeat(LIMITS.repairEventsMax + 1))).toThrow(/more than 100000 keys/);
  });

  it('checks the repair options, defaults included', () => {
    const c = checkRepairOptions({ reason: 'r' });
    expect([...c.include]).toEqual(['different', 'missingInStore']);
    expect(c).toMatchObject({ dryRun: false, keys: null, name: null, by: null, limit: 1000 });
    expect(() => checkRepairOptions({ reason: '' })).toThrow(/reason/);
    expect(() => checkRepairOptions({ reason: 'r', include: [] })).toThrow(/include/);
    expect(() => checkRepairOptions({ reason: 'r', expectMaxSeq: -1 })).toThrow(/expectMaxSeq/);
    expect(() => checkRepairOptions({ reason: 'r', limit: LIMITS.diffRowsMax + 1 })).toThrow(/limit/);
  });

  it('records options as given, or their hash past 1 KiB', () => {
    expect(recordedOptions({ reason: 'r', keyField: 'id', dryRun: true, include: ['different'] })).toEqual({
      keyField: 'id',
      include: ['different'],
    });
    const long = recordedOptions({ reason: 'r', keys: Array.from({ length: 300 }, (_, i) => `key${i}`) });
    expect(Object.keys(long)).toEqual(['sha256']);
  });
});
