import { describe, expect, it } from 'vitest';
import { formatRoute, parseRoute, routeAfterConnect, type Route } from './route';

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

describe('routeAfterConnect', () => {
  it('goes on to the topics list from the connections screen (or no hash) when the hash did not change', () => {
    expect(routeAfterConnect('#/connections', '#/connections')).toEqual({ screen: 'topics' });
    expect(routeAfterConnect('', '')).toEqual({ screen: 'topics' });
    expect(routeAfterConnect('#/', '#/')).toEqual({ screen: 'topics' });
  });
  it('stays when the person moved on while it connected', () => {
    expect(routeAfterConnect('#/connections', '#/topic/x/events')).toBeNull();
    expect(routeAfterConnect('#/connections', '#/topics')).toBeNull();
  });
  it('stays on a link opened before the token was asked for', () => {
    expect(routeAfterConnect('#/topic/ledger/txns?txn=3', '#/topic/ledger/txns?txn=3')).toBeNull();
    expect(routeAfterConnect('#/topics', '#/topics')).toBeNull();
  });
});
