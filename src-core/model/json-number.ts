/**
 * JSON number literals in the strict reader (json-text.ts): `scanNumber` finds where a literal
 * ends and whether it might not be carried exactly by a double, cheaply enough for every number
 * of every body; `numberProblem` then decides, for the few that might not (more than 15 integer
 * digits, an exponent, or a very long fraction), whether it is beyond ±(2^53 - 1) or a non-zero
 * value that would become 0, and says so. Pure.
 */

const SAFE = Number.MAX_SAFE_INTEGER;

/**
 * Scans the number literal at `i` (`n`: the text's length). Returns its end when a double carries
 * it exactly (at most 15 integer digits, no exponent, a fraction of at most 300 digits: within
 * ±2^53, and never 0 unless written so), minus its end when `numberProblem` must decide, and 0
 * when there is no number literal at `i` (a grammar error).
 */
export function scanNumber(text: string, i: number, n: number): number {
  let j = i;
  if (text.charCodeAt(j) === 0x2d) j++;
  const intStart = j;
  let c = text.charCodeAt(j);
  if (c === 0x30) j++;
  else if (c >= 0x31 && c <= 0x39) {
    j++;
    while (j < n && (c = text.charCodeAt(j)) >= 0x30 && c <= 0x39) j++;
  } else return 0;
  const suspect = j - intStart > 15;
  if (j >= n) return suspect ? -j : j;
  c = text.charCodeAt(j);
  let fraction = 0;
  if (c === 0x2e) {
    const fracStart = ++j;
    while (j < n && (c = text.charCodeAt(j)) >= 0x30 && c <= 0x39) j++;
    if (j === fracStart) return 0;
    fraction = j - fracStart;
    if (j >= n) return suspect || fraction > 300 ? -j : j;
    c = text.charCodeAt(j);
  }
  if (c === 0x65 || c === 0x45) {
    j++;
    c = text.charCodeAt(j);
    if (c === 0x2b || c === 0x2d) j++;
    const expStart = j;
    while (j < n && (c = text.charCodeAt(j)) >= 0x30 && c <= 0x39) j++;
    if (j === expStart) return 0;
    return -j;
  }
  return suspect || fraction > 300 ? -j : j;
}

/** Why a number literal cannot be carried exactly, or null when it can. */
export function numberProblem(literal: string): string | null {
  const v = Number(literal);
  const shown = literal.length > 40 ? `${literal.slice(0, 39)}\u2026` : literal;
  if (!(v <= SAFE && v >= -SAFE)) {
    return /^-?[0-9]+$/.test(literal)
      ? `integer ${shown} cannot be carried exactly; send it as a string`
      : `number ${shown} is beyond ±${SAFE} (2^53 - 1) and cannot be carried exactly; send it as a string`;
  }
  if (v === 0 && /[1-9]/.test(literal.split(/[eE]/, 1)[0]!)) {
    return `number ${shown} is too small to be carried (it would become 0); send it as a string`;
  }
  return null;
}
