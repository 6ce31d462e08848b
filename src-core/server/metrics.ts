/**
 * Prometheus metrics, one prom-client registry per server (so several servers in one process, as
 * in tests, do not share counters): events and transactions written, duplicates, invalidations,
 * open connections and those refused by the cap, open SSE streams and shared topic feeds, slow-client pauses, streams refused by a cap, streams
 * ended by an error event, and a request-latency histogram labelled by route pattern, method and
 * status.
 * Served at `GET /metrics`, which needs the `read` role when tokens are configured.
 */
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AppendResponse, InvalidateResult, RepairResult } from '../model/types';
import type { RepublishResult } from '../model/store-api';

export class ServerMetrics {
  readonly registry = new Registry();
  private readonly events = this.counter('tidemark_events_written_total', 'Events stored (duplicates not included)');
  private readonly txns = this.counter(
    'tidemark_txns_written_total',
    'Transactions committed (all-duplicate writes use no transaction and are not counted)',
  );
  private readonly duplicates = this.counter(
    'tidemark_duplicates_total',
    'Incoming events that were duplicates and not stored',
  );
  private readonly invalidations = this.counter(
    'tidemark_invalidations_total',
    'Invalidation markers appended (repeated invalidations of an invalid txn not included)',
  );
  readonly connections = this.gauge(
    'tidemark_http_connections',
    'Open HTTP connections (at most --max-connections are served; the ones past it are answered 429 and closed)',
  );
  readonly connectionsRefused = this.counter(
    'tidemark_connections_refused_total',
    'Requests answered 429 because their connection was opened past --max-connections',
  );
  readonly sseClients = this.gauge('tidemark_sse_clients', 'Open Server-Sent Events streams');
  readonly ssePauses = this.counter(
    'tidemark_sse_pauses_total',
    'Times an SSE client fell too far behind and the server paused reading the store for it',
  );
  readonly sseFeeds = this.gauge(
    'tidemark_sse_topic_feeds',
    'Topics with a shared live feed (one store subscription and one poll each, whatever their number of streams)',
  );
  readonly sseRefused = new Counter({
    name: 'tidemark_sse_refused_total',
    help: 'SSE streams refused with 429 by a cap (cap="server": --max-streams; cap="token": --max-streams-per-token)',
    labelNames: ['cap'] as const,
    registers: [this.registry],
  });
  readonly sseErrors = this.counter(
    'tidemark_sse_errors_total',
    'SSE streams ended with an error event (an event that cannot be serialised, a store read that keeps failing)',
  );
  private readonly latency = new Histogram({
    name: 'tidemark_http_request_duration_seconds',
    help: 'HTTP request latency by route pattern, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  /** A counter registered in this server's registry (field initialisers run in order: `registry` first). */
  private counter(name: string, help: string): Counter {
    return new Counter({ name, help, registers: [this.registry] });
  }

  /** A gauge registered in this server's registry. */
  private gauge(name: string, help: string): Gauge {
    return new Gauge({ name, help, registers: [this.registry] });
  }

  recordAppend(r: AppendResponse): void {
    let stored = 0;
    for (const item of r.results) if (!item.duplicate) stored++;
    this.events.inc(stored);
    this.duplicates.inc(r.results.length - stored);
    if (r.txn !== null) this.txns.inc();
  }

  /**
   * The transactions of a batch, counted as `recordAppend` counts each, with one update per
   * counter (prom-client's `inc` costs about 30 ns, three per transaction of a 10,000-transaction batch).
   */
  recordAppends(rs: readonly AppendResponse[]): void {
    let stored = 0;
    let events = 0;
    let txns = 0;
    for (const r of rs) {
      for (const item of r.results) if (!item.duplicate) stored++;
      events += r.results.length;
      if (r.txn !== null) txns++;
    }
    this.events.inc(stored);
    this.duplicates.inc(events - stored);
    this.txns.inc(txns);
  }

  /** A repair's writes count as any write's (a dry run wrote nothing). */
  recordRepair(r: RepairResult): void {
    if (r.dryRun) return;
    this.events.inc(r.written);
    this.txns.inc(r.txns.length);
  }

  /** A re-publish wrote `written` events in one transaction (none when `txn` is null). */
  recordRepublish(r: RepublishResult): void {
    this.events.inc(r.written);
    if (r.txn !== null) this.txns.inc();
  }

  recordInvalidate(r: InvalidateResult): void {
    if (!r.duplicate) this.invalidations.inc();
  }

  /** Adds the latency hook and the `/metrics` route. */
  install(app: FastifyInstance): void {
    app.addHook('onResponse', async (req, reply) => {
      this.latency.observe(
        { route: req.routeOptions.url ?? 'unmatched', method: req.method, status: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      );
    });
    app.get('/metrics', async (_req, reply) => {
      const text = await this.registry.metrics();
      return reply.type(this.registry.contentType).send(text);
    });
  }
}
