/**
 * `tidemark write`'s line reader (src-core/cli/ndjson-input.ts) on real streams: lines split on
 * bytes (CRLF too, across chunk borders), blank lines counted but skipped, invalid UTF-8 refused
 * naming the line and byte (never turned into U+FFFD), an over-long line refused as soon as it
 * passes the limit, and an abort ending the iteration while the stream is idle.
 */
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { type NumberedLine, numberedLines } from './ndjson-input';

async function collect(stream: Readable, max?: number): Promise<NumberedLine[]> {
  const out: NumberedLine[] = [];
  for await (const l of numberedLines(stream, undefined, max)) out.push(l);
  return out;
}

describe('numberedLines', () => {
  it('splits on bytes across chunk borders, CRLF or LF, skipping blank lines but counting them', async () => {
    const text = Buffer.from('{"a":"é"}\r\n\n  \n{"b":"😀"}\n{"c":1}', 'utf8');
    // every split point, so a multi-byte character and a CRLF are cut in two somewhere
    for (let cut = 0; cut <= text.length; cut++) {
      const lines = await collect(Readable.from([text.subarray(0, cut), text.subarray(cut)]));
      expect(lines).toEqual([
        { lineNo: 1, text: '{"a":"é"}' },
        { lineNo: 4, text: '{"b":"😀"}' },
        { lineNo: 5, text: '{"c":1}' },
      ]);
    }
  });

  it('refuses invalid UTF-8 naming the line and the byte, never as U+FFFD', async () => {
    const bad = Buffer.concat([Buffer.from('{"k":1}\n{"k":"'), Buffer.from([0xff]), Buffer.from('"}\n')]);
    await expect(collect(Readable.from([bad]))).rejects.toThrow('line 2: is not valid UTF-8 (at byte 6)');
    const surrogate = Buffer.from([0x7b, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d, 0x0a]); // CESU-8 lone surrogate
    await expect(collect(Readable.from([surrogate]))).rejects.toThrow('line 1: is not valid UTF-8 (at byte 2)');
  });

  it('refuses a line longer than the limit as soon as it grows past it', async () => {
    let produced = 0;
    async function* endless(): AsyncGenerator<Buffer> {
      for (;;) {
        produced += 1024;
        yield Buffer.alloc(1024, 0x61);
        if (produced > 1024 * 1024) throw new Error('read far past the limit');
      }
    }
    await expect(collect(Readable.from(endless()), 10_000)).rejects.toThrow(
      'line 1: longer than 10000 bytes (one event never needs more)',
    );
    expect(produced).toBeLessThan(20_000);
  });

  it('an abort ends the iteration while the stream is idle', async () => {
    const stream = new PassThrough();
    const ac = new AbortController();
    const seen: string[] = [];
    const done = (async () => {
      for await (const l of numberedLines(stream, ac.signal)) {
        seen.push(l.text);
        ac.abort();
      }
    })();
    stream.write('{"a":1}\n');
    await done;
    expect(seen).toEqual(['{"a":1}']);
  });
});
