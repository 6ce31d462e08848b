/**
 * What every route module gets: the store it serves, the metrics it records into, and the server
 * options routes need (body limit, SSE heartbeat interval and per-client buffer bound in bytes).
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
  /** Stops every open SSE stream (called on close). */
  sseStreams: Set<() => void>;
}
