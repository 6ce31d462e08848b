import { describe, expect, it } from 'vitest';
import { formatRoute, parseRoute, type Route } from './route';

describe('hash routes', () => {
  it('round-trips every screen', () => {
    const routes: Route[] = [
      { screen: 'connections' },
      { screen: 'topics' },
      { screen: 'topic', topic: 'demo.trades', tab: 'surface' },
      { screen: 'topic', topic: 'demo.trades', tab: 'overview' },
      { screen: 'topic', topic: 'a:b', tab: 'txns', txn: 42 },
    ];
    for (const r of routes) expect(parseRoute(formatRoute(r))).toEqual(r);
  });
  it('falls back sensibly', () => {
    expect(parseRoute('')).toEqual({ screen: 'topics' });
    expect(parseRoute('#/topic/x/nope')).toEqual({ screen: 'topic', topic: 'x', tab: 'events' });
    expect(parseRoute('#/topic/x/txns?txn=abc')).toEqual({ screen: 'topic', topic: 'x', tab: 'txns' });
    expect(parseRoute('#/topic/%E0%A4%A')).toEqual({ screen: 'topics' });
  });
});
