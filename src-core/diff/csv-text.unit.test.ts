import { describe, expect, it } from 'vitest';
import { storedCanonicalJson } from '../model/canonical';
import type { JsonValue } from '../model/types';
import { type CsvColumn, type Fields, differingCells } from './compare';
import { CsvStoredText } from './csv-text';

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
