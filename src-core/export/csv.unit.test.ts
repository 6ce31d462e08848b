/**
 * The one CSV cell rule (src-core/export/csv.ts): text a spreadsheet would read as a formula
 * (leading `=`, `+`, `-`, `@`, tab, CR) gets a leading `'`, JSON numbers stay as they are, and
 * quoting follows RFC 4180 plus the separators of other locales. Read back with csv-parse (an
 * independent parser), every cell is exactly the neutralised text; checked by example and for
 * arbitrary strings (fast-check).
 */
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvCell, csvRecord, neutraliseCell } from './csv';

describe('neutraliseCell', () => {
  it.each([
    ['=1+1', "'=1+1"],
    ['@SUM(A1:A9)', "'@SUM(A1:A9)"],
    ['+x', "'+x"],
    ['+3', "'+3"], // not a JSON number: a spreadsheet reads it as the formula =+3
    ['-x', "'-x"],
    ['-', "'-"],
    ['-5abc', "'-5abc"],
    ["-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"],
    ['-05', "'-05"], // a leading zero is not JSON
    ['-.5', "'-.5"],
    ['-Infinity', "'-Infinity"],
    ['\tx', "'\tx"],
    ['\rx', "'\rx"],
    ['=', "'="],
  ])('%j -> %j', (text, out) => {
    expect(neutraliseCell(text)).toBe(out);
  });

  it.each(['-5', '-0', '-1.5', '-1.5e-7', '-2E+10', '5', '0.25', 'plain', ' =1 (leading space)', 'a=b', '', "'=x"])(
    'keeps %j',
    (text) => {
      expect(neutraliseCell(text)).toBe(text);
    },
  );
});

describe('csvCell', () => {
  it.each([
    ['plain', 'plain'],
    ['-5', '-5'],
    ['=1+1', "'=1+1"],
    ['=HYPERLINK("http://x","y")', `"'=HYPERLINK(""http://x"",""y"")"`],
    ['\tx', `"'\tx"`],
    ['a,b', '"a,b"'],
    ['a;=1+1', '"a;=1+1"'], // a semicolon-separated locale would otherwise split off a formula
    ['a\tb', '"a\tb"'],
    ['two\nlines', '"two\nlines"'],
    [' lead', '" lead"'],
    ['trail ', '"trail "'],
  ])('%j -> %j', (text, out) => {
    expect(csvCell(text)).toBe(out);
  });
});

describe('csvRecord', () => {
  it('reads back, cell for cell, as the neutralised text (csv-parse)', () => {
    const cells = ['=1+1', '@SUM', '-5', '+x', '\tx', '\rx', 'a,"b"\r\nc', ' ', '', '-1e-7'];
    const line = csvRecord(cells);
    expect(line.endsWith('\r\n')).toBe(true);
    expect(parse(line, { relax_column_count: false })).toEqual([cells.map(neutraliseCell)]);
  });

  it('for any text: one record that reads back as the neutralised text, never starting like a formula', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary' }), { minLength: 1, maxLength: 6 }), (cells) => {
        const back: string[][] = parse(csvRecord(cells), { bom: false });
        expect(back).toEqual([cells.map(neutraliseCell)]);
        for (const cell of back[0]!) {
          if (/^[=+\-@\t\r]/.test(cell)) expect(cell).toMatch(/^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('keeps every number JSON.stringify writes', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
        const text = JSON.stringify(n);
        expect(csvCell(text)).toBe(text);
      }),
      { numRuns: 500 },
    );
  });
});
