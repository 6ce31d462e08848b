import { describe, expect, it } from 'vitest';
import { paths, topicPath } from './paths';

describe('paths', () => {
  it('encodes the topic once, as one segment', () => {
    expect(paths.events('a:b/c')).toBe('/v1/topics/a%3Ab%2Fc/events');
    expect(paths.topic('caf\u00e9 %')).toBe('/v1/topics/caf%C3%A9%20%25');
    expect(topicPath('t', '/x')).toBe('/v1/topics/t/x');
  });

  it('builds every route', () => {
    expect(paths.topics()).toBe('/v1/topics');
    expect(paths.whoami()).toBe('/v1/whoami');
    expect(paths.batch()).toBe('/v1/batch');
    expect(paths.sample()).toBe('/v1/sample');
    expect(paths.stream('t')).toBe('/v1/topics/t/events/stream');
    expect(paths.txns('t')).toBe('/v1/topics/t/txns');
    expect(paths.txn('t', 7)).toBe('/v1/topics/t/txns/7');
    expect(paths.invalidate('t', 7)).toBe('/v1/topics/t/txns/7/invalidate');
    expect(paths.previewInvalidate('t', 7)).toBe('/v1/topics/t/txns/7/preview-invalidate');
    expect(paths.surface('t')).toBe('/v1/topics/t/surface');
    expect(paths.surfaceExport('t')).toBe('/v1/topics/t/surface/export');
    expect(paths.diff('t')).toBe('/v1/topics/t/diff');
  });
});
