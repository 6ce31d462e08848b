/**
 * The Diff tab's options as typed: read with the wire's readers (the server's messages), the
 * option a server message names, and remembering them per connection and topic (unreadable
 * storage is ignored, never half-applied).
 */
import { describe, expect, it } from 'vitest';
import { NO_OPTIONS, loadOptions, optionOfMessage, optionsStorageKey, readOptions, saveOptions } from './diff-options';

describe('readOptions', () => {
  it('turns the typed text into request options; empty fields are left out', () => {
    expect(readOptions(NO_OPTIONS)).toEqual({ options: {}, errors: {} });
    const typed = { map: 'mid:rate', tolerance: 'rate:0.001', trim: true, ignoreCase: true, asOfTxn: ' 3 ' };
    expect(readOptions(typed)).toEqual({
      options: { map: { mid: 'rate' }, tolerance: { rate: 0.001 }, normalise: ['trim', 'case'], asOfTxn: 3 },
      errors: {},
    });
    expect(readOptions({ ...NO_OPTIONS, tolerance: '0.5', ignoreCase: true }).options).toEqual({
      tolerance: 0.5,
      normalise: ['case'],
    });
  });
  it('says what is wrong in the server’s words', () => {
    const r = readOptions({ map: 'a:b,a:c', tolerance: '-1', trim: false, ignoreCase: false, asOfTxn: '0' });
    expect(r.errors).toEqual({
      map: 'map: "a" is mapped twice',
      tolerance: 'tolerance: "-1" must not be negative',
      asOfTxn: 'asOfTxn: must be a transaction number, got "0"',
    });
    expect(r.options).toEqual({});
  });
  it('finds the option a message is about', () => {
    expect(optionOfMessage('map: the key field "id" cannot be renamed')).toBe('map');
    expect(optionOfMessage('tolerance "px": "x" must be a number')).toBe('tolerance');
    expect(optionOfMessage('record 2 (line 3): has no "key" field')).toBeNull();
    expect(optionOfMessage('mapping: x')).toBeNull();
  });
});

describe('remembered per connection and topic', () => {
  const store = (): Storage => {
    const m = new Map<string, string>();
    return {
      getItem: (k) => m.get(k) ?? null,
      setItem: (k, v) => void m.set(k, v),
    } as Storage;
  };
  it('saves and loads; another connection or topic has its own', () => {
    const s = store();
    const typed = { map: 'a:b', tolerance: '', trim: true, ignoreCase: false, asOfTxn: '' };
    saveOptions(s, optionsStorageKey('c1', 't'), typed);
    expect(loadOptions(s, optionsStorageKey('c1', 't'))).toEqual(typed);
    expect(loadOptions(s, optionsStorageKey('c2', 't'))).toEqual(NO_OPTIONS);
    expect(loadOptions(s, optionsStorageKey('c1', 'u'))).toEqual(NO_OPTIONS);
    expect(loadOptions(null, 'x')).toEqual(NO_OPTIONS);
  });
  it('ignores what it cannot read', () => {
    const s = store();
    s.setItem('k1', '{not json');
    s.setItem('k2', JSON.stringify({ map: 'a:b', tolerance: 5, trim: true, ignoreCase: false, asOfTxn: '' }));
    expect(loadOptions(s, 'k1')).toEqual(NO_OPTIONS);
    expect(loadOptions(s, 'k2')).toEqual(NO_OPTIONS);
  });
});
