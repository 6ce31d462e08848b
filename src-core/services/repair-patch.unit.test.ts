/** What a repair writes per diff row: the patch of differing fields, the CSV type rule and its refusals. */
import { describe, expect, it } from 'vitest';
import type { CompareSpec } from '../diff/compare';
import { checkOptions } from '../diff/options';
import type { DiffOptions } from '../diff/types';
import type { DiffRow, JsonValue, RepairInclude } from '../model/types';
import { repairEvent } from './repair-patch';

const ALL = new Set<RepairInclude>(['different', 'missingInStore', 'missingInSnapshot']);

function spec(csv: boolean, opts: DiffOptions = {}): CompareSpec {
  const o = checkOptions(opts);
  const s: CompareSpec = { keyField: o.keyField, fields: o.fields, ignore: o.ignore, csv };
  if (o.rules !== undefined) s.rules = o.rules;
  return s;
}

function different(data: JsonValue, snapshot: Record<string, JsonValue>, fields: string[]): DiffRow {
  return {
    key: 'k',
    status: 'different',
    fields,
    store: { key: 'k', seq: 1, txn: 1, hash: 'h', data, time: 't' },
    snapshot: { key: 'k', ...snapshot },
  };
}

describe('repairEvent', () => {
  it('CSV cells take the type of the store value; other fields are kept', () => {
    const row = different(
      { n: 1, b: false, o: { a: 1 }, arr: [1], s: 'x', nul: null, keep: 'me' },
      { n: '5', b: 'true', o: '{"a":2}', arr: '[2]', s: '7', nul: 'v' },
      ['n', 'b', 'o', 'arr', 's', 'nul'],
    );
    expect(repairEvent(row, ALL, spec(true))).toEqual({
      key: 'k',
      data: { n: 5, b: true, o: { a: 2 }, arr: [2], s: '7', nul: 'v', keep: 'me' },
    });
  });

  it('an empty cell where the store holds a number becomes null; a new field stays text', () => {
    const row = different({ n: 1 }, { n: '', extra: '3' }, ['n', 'extra']);
    expect(repairEvent(row, ALL, spec(true))!.data).toEqual({ n: null, extra: '3' });
  });

  it('refuses what cannot take the type exactly, naming key and field', () => {
    expect(() => repairEvent(different({ n: 1 }, { n: 'x' }, ['n']), ALL, spec(true))).toThrow(
      /key "k", field "n".*number/,
    );
    expect(() => repairEvent(different({ n: 1 }, { n: '1.50' }, ['n']), ALL, spec(true))).toThrow(/tolerance/);
    expect(() => repairEvent(different({ n: 1 }, { n: '9007199254740993' }, ['n']), ALL, spec(true))).toThrow(
      /field "n"/,
    );
    expect(() => repairEvent(different({ b: true }, { b: 'yes' }, ['b']), ALL, spec(true))).toThrow(/boolean/);
    expect(repairEvent(different({ n: 1 }, { n: '1.50' }, ['n']), ALL, spec(true, { tolerance: 0.01 }))!.data).toEqual({
      n: 1.5,
    });
  });

  it('JSON values are written as given; a field the snapshot lacks is removed', () => {
    const row = different({ n: 1, gone: 2, keep: 3 }, { n: '1' }, ['n', 'gone']);
    expect(repairEvent(row, ALL, spec(false, { fields: ['n', 'gone'] }))!.data).toEqual({ n: '1', keep: 3 });
  });

  it('non-object store data is replaced through the field "value"', () => {
    expect(repairEvent(different(4, { value: '5' }, ['value']), ALL, spec(true))!.data).toBe(5);
    expect(() => repairEvent(different(4, { qty: '5' }, ['qty']), ALL, spec(true))).toThrow(/not an object/);
  });

  it('missingInStore: the record without the key; missingInSnapshot: a tombstone; excluded: nothing', () => {
    const add: DiffRow = { key: 'n', status: 'missingInStore', fields: [], store: null, snapshot: { id: 'n', a: '1' } };
    expect(repairEvent(add, ALL, spec(true, { keyField: 'id' }))).toEqual({ key: 'n', data: { a: '1' } });
    const del: DiffRow = { key: 'z', status: 'missingInSnapshot', fields: [], store: null, snapshot: null };
    expect(repairEvent(del, ALL, spec(true))).toEqual({ key: 'z', data: null });
    expect(repairEvent(del, new Set<RepairInclude>(['different']), spec(true))).toBeNull();
  });

  it('"__proto__" is an ordinary field', () => {
    const row = different(
      JSON.parse('{"__proto__":1,"a":1}') as JsonValue,
      JSON.parse('{"__proto__":"2"}') as Record<string, JsonValue>,
      ['__proto__'],
    );
    const data = repairEvent(row, ALL, spec(true))!.data as Record<string, JsonValue>;
    expect(Object.hasOwn(data, '__proto__')).toBe(true);
    expect(JSON.stringify(data)).toBe('{"__proto__":2,"a":1}');
  });
});
