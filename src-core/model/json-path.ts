/**
 * JSON paths in messages: how every refusal names where in a value or text the problem is
 * (`events[3].data.a`, `data["a b"][0]`), shared by the strict JSON text reader (json-text.ts)
 * and the canonical JSON checks (canonical.ts) so both write a path the same way. Pure.
 */

/** One step of a path into a JSON value: a member name or an array index. */
export type JsonPathSegment = string | number;

const IDENT_RE = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * A JSON path as messages write it: `base` (an already written path, '' or ending in a space for
 * none) then `.name` for members (`["odd name"]` when not an identifier; long names shortened),
 * `[i]` for indexes. A path of more than 16 steps shows its first 10 and last 4.
 */
export function formatJsonPath(base: string, path: readonly JsonPathSegment[]): string {
  const pieces: string[] = [];
  for (const seg of path) {
    if (typeof seg === 'number') pieces.push(`[${seg}]`);
    else {
      const name = seg.length > 64 ? `${seg.slice(0, 63)}\u2026` : seg;
      pieces.push(IDENT_RE.test(seg) ? `.${name}` : `[${JSON.stringify(name)}]`);
    }
  }
  const shown = pieces.length > 16 ? [...pieces.slice(0, 10), '\u2026', ...pieces.slice(-4)] : pieces;
  let out = base;
  for (const p of shown) out += p.startsWith('.') && (out === '' || out.endsWith(' ')) ? p.slice(1) : p;
  return out;
}
