/**
 * Texts the one integer rule (src-core/model/parse.ts) refuses and takes, for the tests that check
 * the rule and every caller of it (server, CLI, the app). Pure data.
 */

/** Signs, leading zeros, exponents, fractions, spaces, other digits, hex, words, unsafe integers. */
export const NOT_INTEGERS: readonly string[] = [
  '',
  ' 1',
  '1 ',
  ' 7 ',
  '+1',
  '-1',
  '-0',
  '01',
  '007',
  '1e3',
  '4.2',
  '1.0',
  '0x10',
  '１',
  '٣',
  'abc',
  '9007199254740992',
];

/** Plain decimals from 0 to the largest safe integer. */
export const INTEGERS: readonly string[] = ['0', '1', '42', '9007199254740991'];

export const INTEGER_TEXTS: readonly string[] = [...NOT_INTEGERS, ...INTEGERS];
