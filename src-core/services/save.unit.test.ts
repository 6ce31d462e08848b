/**
 * Saving to a file whole or not at all, on real files in a temp directory: a finished write
 * appears under its name with nothing else beside it; a write that fails midway, is cancelled, or
 * whose text fails to arrive leaves the directory as it was (an existing file untouched, no
 * temporary file); a file that cannot be created is a BAD_REQUEST naming it, before any text is
 * asked for.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TidemarkError } from '../model/errors';
import { PartialFile, writeFileAtomically } from './save';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tidemark-save-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function* parts(list: string[], fail?: Error): AsyncGenerator<string> {
  for (const p of list) yield p;
  if (fail) throw fail;
}

describe('writeFileAtomically', () => {
  it('writes the whole text under the name, leaving nothing else', async () => {
    const file = join(dir, 'out.csv');
    const big = 'x'.repeat(1 << 20);
    await writeFileAtomically(file, parts(['a,b\r\n', big, '\r\n']), undefined);
    expect(readFileSync(file, 'utf8')).toBe(`a,b\r\n${big}\r\n`);
    expect(readdirSync(dir)).toEqual(['out.csv']);
  });

  it('a failure midway or a cancel leaves an existing file as it was and no temporary file', async () => {
    const file = join(dir, 'keep.csv');
    writeFileSync(file, 'old');
    const boom = new TidemarkError('UNAVAILABLE', 'cut off');
    await expect(writeFileAtomically(file, parts(['new', 'er'], boom), undefined)).rejects.toBe(boom);
    const ac = new AbortController();
    ac.abort();
    await expect(writeFileAtomically(file, parts(['new']), ac.signal, 'the export')).rejects.toMatchObject({
      code: 'CANCELLED',
      message: 'the export was cancelled',
    });
    expect(readFileSync(file, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['keep.csv']);
  });

  it('a file that cannot be created is a BAD_REQUEST naming it, and the text is released unread', async () => {
    const file = join(dir, 'no-such-dir', 'out.csv');
    let asked = 0;
    let released = false;
    async function* text(): AsyncGenerator<string> {
      try {
        asked++;
        yield 'x';
      } finally {
        released = true;
      }
    }
    const it = text();
    await it.next(); // started, as an export is once its first page is read
    await expect(writeFileAtomically(file, { [Symbol.asyncIterator]: () => it }, undefined)).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining(file) as string,
    });
    expect(asked).toBe(1);
    expect(released).toBe(true);
  });
});

describe('PartialFile', () => {
  it('commits after a writer ended its stream, and discards without a trace', async () => {
    const a = await PartialFile.create(join(dir, 'a.ndjson'));
    a.stream.write('{"x":1}\n');
    await new Promise<void>((resolve) => a.stream.end(resolve));
    await a.commit();
    expect(readFileSync(join(dir, 'a.ndjson'), 'utf8')).toBe('{"x":1}\n');
    const b = await PartialFile.create(join(dir, 'b.ndjson'));
    b.stream.write('half');
    await b.discard();
    expect(readdirSync(dir)).toEqual(['a.ndjson']);
  });
});
