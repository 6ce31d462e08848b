/**
 * Reads the examples of docs/api.md: fenced `http` blocks, each request (`METHOD /path`, headers,
 * a blank line, a body) followed by its documented response (`HTTP/1.1 STATUS`, headers, body),
 * and matches an actual response against the documented one: a JSON body matches when every
 * documented field matches (`"…"` matches any value; arrays must have the documented length), a
 * text body when every documented line without `…` is one of its lines.
 */
export interface HttpExample {
  line: number;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  expect: { status: number; headers: Record<string, string>; body: string };
}

interface Block {
  line: number;
  text: string;
}

function httpBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== '```http') continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end] !== '```') end++;
    blocks.push({ line: start + 1, text: lines.slice(start, end).join('\n') });
    i = end;
  }
  return blocks;
}

function parseMessage(text: string): { first: string; headers: Record<string, string>; body: string } {
  const [head = '', ...rest] = text.split('\n\n');
  const [first = '', ...headerLines] = head.split('\n');
  const headers: Record<string, string> = {};
  for (const h of headerLines) {
    const i = h.indexOf(':');
    headers[h.slice(0, i).trim().toLowerCase()] = h.slice(i + 1).trim();
  }
  return { first, headers, body: rest.join('\n\n') };
}

export function parseExamples(markdown: string): HttpExample[] {
  const blocks = httpBlocks(markdown);
  const out: HttpExample[] = [];
  for (let i = 0; i < blocks.length; i++) {
    const req = parseMessage(blocks[i]!.text);
    const m = /^(GET|POST|PUT|DELETE|PATCH|HEAD) (\S+)$/.exec(req.first);
    if (!m) throw new Error(`docs/api.md line ${blocks[i]!.line}: an http block must start with "METHOD /path"`);
    const resBlock = blocks[i + 1];
    const res = resBlock ? parseMessage(resBlock.text) : null;
    const s = res ? /^HTTP\/1\.1 (\d{3})\b/.exec(res.first) : null;
    if (!res || !s)
      throw new Error(`docs/api.md line ${blocks[i]!.line}: the request must be followed by its response`);
    out.push({
      line: blocks[i]!.line,
      method: m[1]!,
      path: m[2]!,
      headers: req.headers,
      body: req.body,
      expect: { status: Number(s[1]), headers: res.headers, body: res.body },
    });
    i++;
  }
  return out;
}

const ANY = '…';

/** Where `actual` differs from the documented `expected` (JSON), or null when it matches. */
export function jsonMismatch(expected: unknown, actual: unknown, path = '$'): string | null {
  if (expected === ANY) return actual === undefined ? `${path}: missing` : null;
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${path}: expected an array`;
    if (actual.length !== expected.length) return `${path}: expected ${expected.length} items, got ${actual.length}`;
    for (let i = 0; i < expected.length; i++) {
      const d = jsonMismatch(expected[i], actual[i], `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (typeof expected === 'object' && expected !== null) {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) return `${path}: expected an object`;
    for (const [k, v] of Object.entries(expected)) {
      const d = jsonMismatch(v, (actual as Record<string, unknown>)[k], `${path}.${k}`);
      if (d) return d;
    }
    return null;
  }
  return Object.is(expected, actual)
    ? null
    : `${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`;
}

/** Documented lines (those without `…`) missing from a text body. */
export function missingLines(expected: string, actual: string): string[] {
  const have = new Set(actual.split(/\r?\n/));
  return expected.split('\n').filter((l) => l !== '' && !l.includes(ANY) && !have.has(l));
}
