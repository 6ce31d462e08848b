/** The headers a request may send only once (once-headers.ts). */
import { describe, expect, it } from 'vitest';
import { repeatedHeader } from './once-headers';

const raw = (...names: string[]): string[] => names.flatMap((n, i) => [n, `v${i}`]);

describe('repeatedHeader', () => {
  it('lets through a request with each of Host, Authorization and Content-Type once', () => {
    expect(repeatedHeader(raw('Host', 'Authorization', 'Content-Type', 'Content-Length'))).toBeUndefined();
    expect(repeatedHeader([])).toBeUndefined();
  });

  it('lets through repeats of list-valued and unknown headers (Accept, Transfer-Encoding, X-anything)', () => {
    expect(
      repeatedHeader(raw('Host', 'Accept', 'accept', 'Transfer-Encoding', 'transfer-encoding', 'X-A', 'X-A')),
    ).toBeUndefined();
  });

  it('refuses a second of each header read as one value, in any case, naming the header', () => {
    for (const [names, name, spelled] of [
      [['Host', 'host'], 'host', 'Host'],
      [['Host', 'authorization', 'AUTHORIZATION'], 'authorization', 'Authorization'],
      [['Content-Type', 'Host', 'content-type'], 'content-type', 'Content-Type'],
      [['Origin', 'origin'], 'origin', 'Origin'],
      [['Sec-Fetch-Site', 'Sec-Fetch-Site'], 'sec-fetch-site', 'Sec-Fetch-Site'],
      [['Last-Event-ID', 'last-event-id'], 'last-event-id', 'Last-Event-ID'],
    ] as const) {
      const err = repeatedHeader(raw(...names));
      expect(err?.code, names.join(',')).toBe('BAD_REQUEST');
      expect(err?.message).toBe(`${name}: the ${spelled} header was sent more than once`);
    }
  });
});
