import { describe, expect, it } from 'vitest';
import { LIST_TXNS_OPTION_KEYS, READ_EVENTS_OPTION_KEYS, SURFACE_OPTION_KEYS } from '../model/option-keys';
import type { ListTxnsOptions, ReadEventsOptions, SurfaceOptions } from '../model/types';
import { paths } from './paths';
import { buildUrl, queryOf, queryString } from './query';

describe('buildUrl', () => {
  it('appends the encoded path and the set query values, empty strings included', () => {
    const url = buildUrl('http://h:1', paths.events('a:b/c'), { after: 0, before: undefined, key: '', order: 'desc' });
    expect(url).toBe('http://h:1/v1/topics/a%3Ab%2Fc/events?after=0&key=&order=desc');
    expect(buildUrl('http://h:1', '/v1/topics', {})).toBe('http://h:1/v1/topics');
  });

  it('refuses a query value with a lone surrogate instead of sending U+FFFD, naming the parameter', () => {
    expect(() => buildUrl('http://h:1', '/v1/topics/t/surface', { prefix: 'a\ud800' })).toThrow(
      expect.objectContaining({
        code: 'BAD_REQUEST',
        message: 'prefix: must be well-formed Unicode (it has a lone surrogate at index 1)',
      }),
    );
    // NUL and astral characters are sent exactly (a key stored with NUL may be named).
    const url = new URL(buildUrl('http://h:1', '/v1/topics/t/events', { key: 'a\u0000😀' }));
    expect(url.searchParams.get('key')).toBe('a\u0000😀');
  });

  it('keeps a base path', () => {
    expect(buildUrl('http://h:1/tm', '/v1/topics')).toBe('http://h:1/tm/v1/topics');
  });

  it('refuses values a query cannot carry as they are', () => {
    expect(() => queryString({ limit: Number.NaN })).toThrow(/limit: must be a finite number, got NaN/);
    const hostile = { txn: null } as unknown as Record<string, string>;
    expect(() => queryString(hostile)).toThrow(/txn: must be a string or a number, got null/);
  });
});

describe('queryOf', () => {
  it('sends the declared options that are set, in the order given', () => {
    const opts: ReadEventsOptions = { order: 'desc', before: 10, limit: 5, key: undefined };
    expect(queryString(queryOf(opts, READ_EVENTS_OPTION_KEYS))).toBe('order=desc&before=10&limit=5');
    expect(queryOf<ListTxnsOptions>(undefined, LIST_TXNS_OPTION_KEYS)).toEqual({});
    expect(queryOf<SurfaceOptions>({ after: 'k', prefix: '' }, SURFACE_OPTION_KEYS)).toEqual({
      after: 'k',
      prefix: '',
    });
  });

  it('refuses a field that is not an option of the request, naming it', () => {
    const stray = { limit: 5, afterr: 3 } as ReadEventsOptions;
    expect(() => queryOf(stray, READ_EVENTS_OPTION_KEYS)).toThrow(
      expect.objectContaining({
        code: 'BAD_REQUEST',
        message: expect.stringMatching(/^afterr: is not an option/) as unknown,
      }),
    );
    // An undefined stray field is as good as absent.
    expect(queryOf({ limit: 5, other: undefined } as ReadEventsOptions, READ_EVENTS_OPTION_KEYS)).toEqual({
      limit: '5',
    });
  });
});
