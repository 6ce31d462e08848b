import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../src-core/model/limits';
import { answerTooLarge } from '../../src-core/wire/body-read';
import { formatFromName, uploadJson } from './upload';

describe('snapshot formats', () => {
  it('detects snapshot formats from names', () => {
    expect(formatFromName('x.CSV')).toBe('csv');
    expect(formatFromName('x.jsonl')).toBe('ndjson');
    expect(formatFromName('x.json')).toBe('json');
    expect(formatFromName('x.txt')).toBeNull();
  });
});

/**
 * A stand-in for the browser's XMLHttpRequest (this suite runs in Node, which has none): the test
 * plays the server, sending progress of the answer, its status, and the load. What is tested is
 * uploadJson's bound on the answer; the real XHR path is run by the browser suite (diff.e2e.ts).
 */
class FakeXhr {
  static last: FakeXhr | null = null;
  status = 0;
  responseText = '';
  responseType = '';
  aborted = false;
  upload: { onprogress: unknown; onload: unknown } = { onprogress: null, onload: null };
  onprogress: ((e: { loaded: number }) => void) | null = null;
  onload: (() => void) | null = null;
  onabort: (() => void) | null = null;
  onerror: (() => void) | null = null;
  constructor() {
    FakeXhr.last = this;
  }
  open(): void {}
  setRequestHeader(): void {}
  send(): void {}
  abort(): void {
    this.aborted = true;
    this.onabort?.();
  }
  /** The server sent `loaded` bytes of an answer with `status`. */
  answer(status: number, loaded: number): void {
    this.status = status;
    this.onprogress?.({ loaded });
  }
}

describe('uploadJson bounds the answer', () => {
  const request = (maxAnswerBytes?: number): Promise<unknown> => {
    const g = globalThis as { XMLHttpRequest?: unknown };
    g.XMLHttpRequest = FakeXhr;
    const req = { url: 'http://h/x', base: 'http://h', headers: {}, body: new Blob(['a']), contentType: 'text/csv' };
    return uploadJson(maxAnswerBytes === undefined ? req : { ...req, maxAnswerBytes });
  };

  it('takes an answer up to the bound', async () => {
    const p = request(100);
    const xhr = FakeXhr.last!;
    xhr.answer(200, 100);
    xhr.responseText = '{"ok":true}';
    xhr.onload?.();
    await expect(p).resolves.toEqual({ ok: true });
    expect(xhr.aborted).toBe(false);
  });

  it('aborts and refuses a 2xx answer past the bound', async () => {
    const p = request(100);
    const xhr = FakeXhr.last!;
    xhr.answer(200, 60);
    expect(xhr.aborted).toBe(false);
    xhr.answer(200, 101);
    expect(xhr.aborted).toBe(true);
    await expect(p).rejects.toThrow(answerTooLarge('The comparison', 100).message);
  });

  it('aborts an error answer past 1 MiB and reports it by its status', async () => {
    const p = request();
    const xhr = FakeXhr.last!;
    xhr.answer(503, LIMITS.errorAnswerBytesMax + 1);
    expect(xhr.aborted).toBe(true);
    const err = (await p.catch((e: unknown) => e)) as { code: string; message: string };
    expect([err.code, err.message]).toEqual(['UNAVAILABLE', 'The comparison failed: the server answered 503']);
  });

  it('still reports a cancel as a cancel', async () => {
    const p = request(100);
    FakeXhr.last!.abort();
    await expect(p).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});
