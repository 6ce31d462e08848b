/**
 * A tiny hash router (works from file:// in Electron and from `/` over HTTP, and keeps the back
 * button useful): `#/connections`, `#/topics`, `#/topic/<name>/<tab>` with an optional `?txn=N`
 * that focuses one transaction. Parsing and formatting are pure and unit-tested.
 */
import { useSyncExternalStore } from 'react';
import { parseTxn } from '../../src-core/model/parse';

export type TopicTab = 'overview' | 'events' | 'txns' | 'surface' | 'diff';
export const TOPIC_TABS: readonly TopicTab[] = ['overview', 'events', 'txns', 'surface', 'diff'];

export type Route =
  { screen: 'connections' } | { screen: 'topics' } | { screen: 'topic'; topic: string; tab: TopicTab; txn?: number };

export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  const [pathPart = '', queryPart = ''] = raw.split('?');
  const parts = pathPart.split('/').filter(Boolean);
  if (parts[0] === 'connections') return { screen: 'connections' };
  if (parts[0] === 'topic' && parts[1]) {
    let topic: string;
    try {
      topic = decodeURIComponent(parts[1]);
    } catch {
      return { screen: 'topics' };
    }
    const tab = TOPIC_TABS.find((t) => t === parts[2]) ?? 'events';
    const txnRaw = new URLSearchParams(queryPart).get('txn');
    // A `txn` that is not a transaction number (model/parse.ts) focuses nothing.
    const txn = txnRaw !== null ? parseTxn(txnRaw) : null;
    return txn !== null ? { screen: 'topic', topic, tab, txn } : { screen: 'topic', topic, tab };
  }
  return { screen: 'topics' };
}

export function formatRoute(r: Route): string {
  switch (r.screen) {
    case 'connections':
      return '#/connections';
    case 'topics':
      return '#/topics';
    case 'topic':
      return `#/topic/${encodeURIComponent(r.topic)}/${r.tab}${r.txn !== undefined ? `?txn=${r.txn}` : ''}`;
  }
}

function subscribe(cb: () => void): () => void {
  window.addEventListener('hashchange', cb);
  return () => window.removeEventListener('hashchange', cb);
}

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return parseRoute(hash);
}

export function navigate(r: Route): void {
  const next = formatRoute(r);
  if (window.location.hash !== next) window.location.hash = next;
}

/**
 * Where to go once a connection switch (open a file, connect, reconnect) succeeded, from the hash
 * when it was asked for and the hash now: the topics list when the person is still on the
 * connections screen they pressed it on; nowhere (null) when the hash named another screen then
 * (a link they opened before the app asked for a token, which then shows) or changed meanwhile
 * (they moved on while it connected).
 */
export function routeAfterConnect(hashAtPress: string, hashNow: string): Route | null {
  if (hashNow !== hashAtPress) return null;
  const at = parseRoute(hashAtPress);
  // No hash at all is the app's start page (the topics list), reached through the connections screen.
  return at.screen === 'connections' || hashAtPress.replace(/^#\/?/, '') === '' ? { screen: 'topics' } : null;
}
