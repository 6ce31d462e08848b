/**
 * `loadSampleData`: writes the demo topic "demo.trades" so a new user has something to look at:
 * about three thousand trades over several transactions (new bookings, amendments of existing
 * trades, a late batch with a bad price feed that is then invalidated, a cancelled trade written as
 * a tombstone). Deterministic (a seeded generator, fixed symbols and accounts). If the topic already
 * has events it is returned untouched; the first write uses `expectMaxSeq: 0`, so two concurrent
 * loaders cannot both write it.
 */
import { hasErrorCode } from '../model/errors';
import type { AppendResponse, EventInput, InvalidateResult, JsonValue } from '../model/types';
import { findTopic } from '../store/find-topic';
import type { EventStore } from '../store/types';

export const SAMPLE_TOPIC = 'demo.trades';

const SYMBOLS = ['AAPL', 'MSFT', 'NVDA', 'AMZN', 'GOOGL', 'META', 'TSLA', 'ASML', 'SAP', 'NESN'];
const ACCOUNTS = ['ACC-001', 'ACC-002', 'ACC-017', 'ACC-042', 'ACC-108'];
const VENUES = ['XNAS', 'XNYS', 'XETR', 'XSWX'];
const BASE_PX: Record<string, number> = {
  AAPL: 228,
  MSFT: 415,
  NVDA: 131,
  AMZN: 197,
  GOOGL: 171,
  META: 560,
  TSLA: 248,
  ASML: 690,
  SAP: 232,
  NESN: 88,
};

/** mulberry32: a small deterministic generator, so every demo store looks the same. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Trade = { [k: string]: JsonValue };

/** Told of each write the loader makes (the HTTP server counts them in its write metrics). */
export interface SampleObserver {
  appended?: (r: AppendResponse) => void;
  invalidated?: (r: InvalidateResult) => void;
}

export async function loadSampleData(store: EventStore, observer: SampleObserver = {}): Promise<{ topic: string }> {
  const topic = SAMPLE_TOPIC;
  const append = async (events: EventInput[], expectMaxSeq?: number): Promise<AppendResponse> => {
    const r = await store.append(topic, expectMaxSeq === undefined ? { events } : { events, expectMaxSeq });
    observer.appended?.(r);
    return r;
  };
  if ((await findTopic(store, topic)) !== null) return { topic };
  const rand = rng(20261126);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const trades = new Map<string, Trade>();
  let nextId = 100001;
  const day = (d: number): string => `2026-11-${String(16 + d).padStart(2, '0')}`;

  const newTrade = (d: number): EventInput => {
    const symbol = pick(SYMBOLS);
    const px = BASE_PX[symbol]! * (0.97 + rand() * 0.06);
    const t: Trade = {
      tradeId: `T-${nextId}`,
      symbol,
      side: rand() < 0.5 ? 'BUY' : 'SELL',
      qty: (1 + Math.floor(rand() * 50)) * 10,
      px: px.toFixed(2),
      ccy: symbol === 'SAP' || symbol === 'ASML' ? 'EUR' : symbol === 'NESN' ? 'CHF' : 'USD',
      account: pick(ACCOUNTS),
      venue: pick(VENUES),
      tradeDate: day(d),
      status: 'NEW',
    };
    const key = `T-${nextId++}`;
    trades.set(key, t);
    return { key, data: t };
  };

  const amend = (key: string, patch: Trade): EventInput => {
    const t: Trade = { ...trades.get(key)!, ...patch };
    trades.set(key, t);
    return { key, data: t };
  };

  const bookings = (d: number, n: number): EventInput[] => Array.from({ length: n }, () => newTrade(d));
  const keys = (): string[] => [...trades.keys()];

  // 1-2: two days of bookings.
  await append(bookings(0, 900), 0).catch((err: unknown) => {
    if (hasErrorCode(err) && err.code === 'CONFLICT') return null; // someone else is loading it
    throw err;
  });
  const info = await store.topicInfo(topic);
  if (info.maxTxn !== 1) return { topic };
  await append(bookings(1, 800));
  // 3: end-of-day confirmations and partial fills on existing trades.
  const confirmed = keys()
    .filter(() => rand() < 0.2)
    .map((k) => amend(k, rand() < 0.3 ? { status: 'PARTIAL', qty: 10 } : { status: 'CONFIRMED' }));
  await append(confirmed);
  // 4: a third day of bookings.
  await append(bookings(2, 700));
  // 5: a re-price batch from a glitching feed (every price x100) — invalidated below.
  const glitched = keys()
    .slice(0, 150)
    .map((k) => {
      const t = trades.get(k)!;
      return { key: k, data: { ...t, px: (Number(t.px) * 100).toFixed(2), status: 'REPRICED' } };
    });
  const bad = await append(glitched);
  // 6: more bookings, and one trade cancelled (a tombstone).
  const cancelled = keys()[42]!;
  trades.delete(cancelled);
  await append([...bookings(3, 600), { key: cancelled, data: null }]);
  if (bad.txn !== null) {
    const inv = await store.invalidate(topic, bad.txn, 'price feed glitch: prices scaled by 100 (ticket OPS-1432)');
    observer.invalidated?.(inv);
  }
  return { topic };
}
