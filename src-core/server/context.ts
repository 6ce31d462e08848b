/**
 * What every route module gets: the store it serves, the metrics it records into, and the server
 * options routes need (body limit; SSE heartbeat interval, per-client buffer bound in bytes, feed
 * poll interval and the caps on open streams).
 */
import type { EventStore } from '../store/types';
import type { ServerMetrics } from './metrics';

export interface RouteContext {
  store: EventStore;
  metrics: ServerMetrics;
  bodyLimit: number;
  /** Interval of SSE heartbeat comments, ms (<= 15,000). */
  heartbeatMs: number;
  /** Bytes an SSE client may have unsent before the server stops reading the store for it. */
  sseMaxBufferedBytes: number;
  /** Fallback poll interval of each topic's shared SSE feed, ms. */
  ssePollMs: number;
  /** Open SSE streams per server, and per bearer token, beyond which a new one is 429. */
  sseMaxStreams: number;
  sseMaxStreamsPerToken: number;
  /** Stops every open SSE stream (called on close). */
  sseStreams: Set<() => void>;
}
