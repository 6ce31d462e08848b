import { describe, expect, it } from 'vitest';
import { formatFromName } from './upload';

describe('snapshot formats', () => {
  it('detects snapshot formats from names', () => {
    expect(formatFromName('x.CSV')).toBe('csv');
    expect(formatFromName('x.jsonl')).toBe('ndjson');
    expect(formatFromName('x.json')).toBe('json');
    expect(formatFromName('x.txt')).toBeNull();
  });
});
