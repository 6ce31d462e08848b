import { describe, expect, it } from 'vitest';
import { storedCanonicalJson } from '../model/canonical';
import type { JsonValue } from '../model/types';
import { type CsvColumn, type Fields, differingCells } from './compare';
import { CsvStoredText } from './csv-text';
import { spillText } from './spill-text';

const columns: CsvColumn[] = [
  { name: 'qty', index: 1 },
  { name: 'b', index: 2 },
  { name: 'a', index: 3 },
];

describe('CsvStoredText', () => {
  it('builds the canonical text of the equal store value once it has seen the kinds', () => {
    const t = new CsvStoredText(columns);
    const cells = ['K1', '5', 'x', ''];
    const store: Fields = { a: null, b: 'x', qty: 5 };
    // Before learning: every value a string, which is not this store's text.
    expect(t.text(cells)).toBe('{"a":"","b":"x","qty":"5"}');
    t.learn(store);
    expect(t.text(cells)).toBe(storedCanonicalJson(store));
    // A missing field and an empty cell; a number cell spelled otherwise stays a string.
    t.learn({ b: 'x', qty: 5 });
    expect(t.text(['K', '5.0', 'x', ''])).toBe('{"b":"x","qty":"5.0"}');
  });

  it('never gives the text of a store value that differs from the cells', () => {
    const values: (JsonValue | undefined)[] = [
      undefined,
      null,
      '',
      '1',
      1,
      1.5,
      -0,
      1e21,
      true,
      'true',
      false,
      [1],
      { x: 1 },
      'a"b',
    ];
    const cellsOf: string[] = [
      '',
      '1',
      '1.0',
      '1.5',
      '-0',
      '0',
      '1e+21',
      'true',
      'false',
      '[1]',
      '{"x":1}',
      'a"b',
      'x',
    ];
    const t = new CsvStoredText([{ name: 'v', index: 1 }]);
    let equalByText = 0;
    for (const learned of values) {
      t.learn(learned === undefined ? {} : { v: learned });
      for (const stored of values) {
        const store: Fields = stored === undefined ? {} : { v: stored };
        for (const cell of cellsOf) {
          const cells = ['k', cell];
          if (t.text(cells) === storedCanonicalJson(store)) {
            equalByText++;
            expect(differingCells(store, cells, [{ name: 'v', index: 1 }])).toEqual([]);
          }
        }
      }
    }
    expect(equalByText).toBeGreaterThan(10);
  });

  it('matches a kept row exactly when the text built from its cells is the stored text', () => {
    // Cells that are numbers in and out of canonical form, booleans, empties, and every character
    // JSON escapes (quotes, backslashes, controls, lone and paired surrogates), plus the spill's
    // separators (kept as JSON then).
    const cellsOf = [
      '',
      '1',
      '-1',
      '1.0',
      '1.5',
      '-0',
      '0',
      '1e+21',
      '12345678901234568',
      '12345678901234567',
      'true',
      'false',
      'null',
    ];
    cellsOf.push(
      'Infinity',
      '-Infinity',
      'NaN',
      '1 ',
      '0x10',
      'x',
      'a"b',
      'a\\b',
      'tab\tx',
      '\u{1F600}',
      '\ud800',
      'é',
      'a\u0001b',
      'a\nb',
      ' 1',
    );
    const stored: (JsonValue | undefined)[] = [undefined, null, '', '1', 1, 1.5, -0, 1e21, 12345678901234568];
    stored.push(true, false, 'true', 'x', 'a"b', 'a\\b', 'tab\tx', '\u{1F600}', '\ud800', 'é', [1], { x: 1 });
    const cols: CsvColumn[] = [
      { name: 'v', index: 1 },
      { name: 'a', index: 2 },
    ];
    const t = new CsvStoredText(cols);
    let agreed = 0;
    let equal = 0;
    for (const learned of stored) {
      for (const other of [undefined, 'x', 1]) {
        const teach: Fields = {};
        if (learned !== undefined) teach.v = learned;
        if (other !== undefined) teach.a = other;
        t.learn(teach);
        for (const value of stored) {
          const store: Fields = {};
          if (value !== undefined) store.v = value;
          if (other !== undefined) store.a = other;
          const data = storedCanonicalJson(store);
          for (const cell of cellsOf) {
            for (const a of ['', 'x', '1']) {
              const cells = ['K', cell, a];
              const want = t.text(cells) === data;
              expect(t.matches(data, spillText(cells))).toBe(want);
              // The same against texts that are not canonical JSON of anything: cut short, longer.
              expect(t.matches(data.slice(0, -1), spillText(cells))).toBe(t.text(cells) === data.slice(0, -1));
              expect(t.matches(data + ' ', spillText(cells))).toBe(false);
              agreed++;
              if (want) equal++;
            }
          }
        }
      }
    }
    // Rows shorter than the columns read their missing cells as empty, as `text` does.
    t.learn({ v: null });
    expect(t.matches('{"v":null}', spillText(['K']))).toBe(t.text(['K']) === '{"v":null}');
    expect(agreed).toBeGreaterThan(10_000);
    expect(equal).toBeGreaterThan(100);
  });

  it('is not offered for columns whose names repeat', () => {
    expect(
      CsvStoredText.of([
        { name: 'a', index: 1 },
        { name: 'a', index: 2 },
      ]),
    ).toBeNull();
    expect(CsvStoredText.of(columns)).not.toBeNull();
  });
});
