import { describe, expect, it } from 'vitest';
import { TidemarkError } from '../model/errors';
import { answerLines, answerTooLarge, readAnswerText } from './body-read';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

/** A body that gives `chunks` one per read, then ends (or, with `endless`, repeats the last for ever); it records reads and cancels. */
function body(chunks: Uint8Array[], endless = false) {
  const seen = { reads: 0, cancelled: false };
  let i = 0;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(c) {
        seen.reads++;
        if (i < chunks.length) c.enqueue(chunks[i++]!);
        else if (endless) c.enqueue(chunks[chunks.length - 1]!);
        else c.close();
      },
      cancel() {
        seen.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, seen };
}

const tooLarge = (what: string, max: number, part: 'answer' | 'line' = 'answer'): string =>
  answerTooLarge(what, max, part).message;

async function lines(stream: ReadableStream<Uint8Array>, max: number): Promise<string[]> {
  const out: string[] = [];
  for await (const line of answerLines(stream, 'GET /x', max)) out.push(line);
  return out;
}

describe('readAnswerText', () => {
  it('reads an answer up to its bound, decoding characters split across reads', async () => {
    const all = bytes('{"a":"é€𝄞"}');
    // Every byte its own read: each multi-byte character arrives in pieces.
    const { stream, seen } = body([...all].map((b) => Uint8Array.of(b)));
    expect(await readAnswerText(new Response(stream), 'GET /x', all.length)).toBe('{"a":"é€𝄞"}');
    expect(seen.cancelled).toBe(false);
  });

  it('refuses an endless answer once it passes the bound, and lets the body go', async () => {
    const { stream, seen } = body([bytes('x'.repeat(64))], true);
    const err = await readAnswerText(new Response(stream), 'GET /x', 1000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TidemarkError);
    expect((err as TidemarkError).code).toBe('INTERNAL');
    expect((err as TidemarkError).message).toBe(
      "GET /x failed: the server's answer passed 1,000 bytes, the most a client reads; it was not read further",
    );
    // 16 reads of 64 bytes is 1,024: the 16th passed the bound and nothing more was asked for.
    expect(seen.reads).toBe(16);
    expect(seen.cancelled).toBe(true);
  });

  it('refuses a Content-Length past the bound before reading a byte', async () => {
    const { stream, seen } = body([bytes('short')]);
    const res = new Response(stream, { headers: { 'content-length': '1001' } });
    await expect(readAnswerText(res, 'GET /x', 1000)).rejects.toThrow(tooLarge('GET /x', 1000));
    expect(seen.reads).toBe(0);
    expect(seen.cancelled).toBe(true);
  });

  it('takes an answer of exactly the bound', async () => {
    const { stream } = body([bytes('x'.repeat(600)), bytes('y'.repeat(400))]);
    expect((await readAnswerText(new Response(stream), 'GET /x', 1000)).length).toBe(1000);
  });

  it('throws a failure of the connection as it comes', async () => {
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        c.error(new TypeError('terminated'));
      },
    });
    await expect(readAnswerText(new Response(stream), 'GET /x', 1000)).rejects.toThrow(TypeError);
  });
});

describe('answerLines', () => {
  it('gives the lines of an answer split anywhere, the last one without its newline', async () => {
    const text = '{"a":1}\n\n{"b":"é"}\n{"c":3}';
    const { stream } = body([...bytes(text)].map((b) => Uint8Array.of(b)));
    expect(await lines(stream, 100)).toEqual(['{"a":1}', '', '{"b":"é"}', '{"c":3}']);
  });

  it('takes lines of exactly the bound, in one read or many', async () => {
    const line = 'x'.repeat(10);
    const one = body([bytes(`${line}\n${line}\n`)]);
    expect(await lines(one.stream, 10)).toEqual([line, line]);
    const split = body([bytes('x'.repeat(4)), bytes('x'.repeat(6) + '\n' + 'y'.repeat(10))]);
    expect(await lines(split.stream, 10)).toEqual([line, 'y'.repeat(10)]);
  });

  it('refuses a line past the bound inside one read, across reads, and with no newline ever', async () => {
    const inside = body([bytes('ok\n' + 'x'.repeat(11) + '\nnever')]);
    await expect(lines(inside.stream, 10)).rejects.toThrow(tooLarge('GET /x', 10, 'line'));
    expect(inside.seen.cancelled).toBe(true);
    const across = body([bytes('x'.repeat(6)), bytes('x'.repeat(5) + '\n')]);
    await expect(lines(across.stream, 10)).rejects.toThrow(tooLarge('GET /x', 10, 'line'));
    const endless = body([bytes('x'.repeat(7))], true);
    await expect(lines(endless.stream, 1000)).rejects.toThrow(tooLarge('GET /x', 1000, 'line'));
    expect(endless.seen.reads).toBe(143); // 143 × 7 = 1,001
    expect(endless.seen.cancelled).toBe(true);
  });

  it('says a body that is not UTF-8 is not, as INTERNAL', async () => {
    const { stream } = body([Uint8Array.of(0x6f, 0x6b, 0x0a, 0xff, 0x0a)]);
    const err = await lines(stream, 100).catch((e: unknown) => e);
    expect((err as TidemarkError).code).toBe('INTERNAL');
    expect((err as TidemarkError).message).toBe('GET /x failed: the server sent text that is not UTF-8');
  });

  it('lets the body go when the reader stops early', async () => {
    const { stream, seen } = body([bytes('a\nb\nc\n')], true);
    for await (const line of answerLines(stream, 'GET /x', 100)) if (line === 'b') break;
    expect(seen.cancelled).toBe(true);
  });
});
