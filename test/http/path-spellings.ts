/**
 * Path spellings for the auth-bypass test (auth-bypass.int.test.ts): `spellings` lists the many
 * ways a router, a proxy or a browser might take a target for a given route path (percent-encoded
 * letters and digits in each segment, double encoding, `%2F`, case changes, repeated slashes, dot
 * segments plain and encoded, backslashes, `;` parameters, trailing `;`/`?`/`#`/`/`, absolute-form
 * targets), and `pool` runs the resulting requests a few at a time so the test never floods the
 * server with sockets.
 */

const enc = (s: string): string => [...s].map((c) => '%' + c.charCodeAt(0).toString(16).padStart(2, '0')).join('');

/** Many spellings of `path` that a router, a proxy or a browser might take for it. */
export function spellings(path: string): string[] {
  const segs = path.split('/').slice(1);
  const join = (ss: string[], sep = '/'): string => '/' + ss.join(sep);
  const out = new Set<string>([path]);
  segs.forEach((seg, i) => {
    const at = (v: string): string => join(segs.map((s, j) => (j === i ? v : s)));
    out.add(at(enc(seg[0]!) + seg.slice(1))); // %76 1
    out.add(at(enc(seg[0]!).toUpperCase() + seg.slice(1))); // %6D etrics
    out.add(at(enc(seg)));
    out.add(at(enc(seg).toUpperCase()));
    out.add(at('%25' + enc(seg[0]!).slice(1) + seg.slice(1))); // double encoding: %2576
    const d = seg.search(/\d/);
    if (d >= 0) out.add(at(seg.slice(0, d) + enc(seg[d]!) + seg.slice(d + 1))); // v%31
    out.add(at(seg.toUpperCase()));
    out.add(at(seg[0]!.toUpperCase() + seg.slice(1)));
    out.add(at(seg + ';x=1'));
    if (i > 0) {
      out.add(join(segs.slice(0, i)) + '%2F' + segs.slice(i).join('/'));
      out.add(join(segs.slice(0, i)) + '%2f' + segs.slice(i).join('/'));
      out.add(join(segs.slice(0, i)) + '/./' + segs.slice(i).join('/'));
      out.add(join(segs.slice(0, i)) + '/x/../' + segs.slice(i).join('/'));
      out.add(join(segs.slice(0, i)) + '/%2e/' + segs.slice(i).join('/'));
      out.add(join(segs.slice(0, i)) + '/x/%2E%2E/' + segs.slice(i).join('/'));
      out.add(join(segs.slice(0, i)) + '//' + segs.slice(i).join('/'));
    }
  });
  out.add(join(segs.map(enc)));
  out.add(path.toUpperCase());
  out.add('/' + path);
  out.add(path.replace(/\//g, '//'));
  out.add(path.replace(/\//g, '\\'));
  out.add('/' + segs.join('%2F'));
  out.add('/.' + path);
  out.add('/x/..' + path);
  out.add('/%2e' + path);
  out.add('/x/%2e%2e' + path);
  for (const t of [
    ';',
    ';x',
    '?',
    '?x=1',
    '#',
    '#x',
    '/',
    '//',
    '/.',
    '/x/..',
    '%2F',
    '%3B',
    '%3F',
    '%23',
    '?#',
    '%00',
    '%20',
    '.',
  ]) {
    out.add(path + t);
  }
  for (const origin of [
    'http://x',
    'HTTP://X',
    'https://x',
    'http://127.0.0.1',
    'http://x:1',
    'http://x/..',
    'http://x/',
  ]) {
    out.add(origin + path);
  }
  out.add('http://x' + join(segs.map((s) => enc(s[0]!) + s.slice(1))));
  out.add('http://x' + path.toUpperCase());
  return [...out];
}

/** Runs `jobs` a few at a time (bounded: no flood of sockets). */
export async function pool<T>(items: readonly T[], run: (item: T) => Promise<void>, width = 8): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await run(items[next++]!);
  };
  await Promise.all(Array.from({ length: width }, worker));
}
