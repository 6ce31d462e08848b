/**
 * `openHttpStore`: an `EventStore` that talks to a `tidemark serve` over HTTP (API.md), so the same
 * code (CLI, contract suite, desktop app) works against a remote store. Reads are plain GETs;
 * `append` and `appendBatch` go through the ordered writer (ordered-writer.ts: pipelined into
 * `/v1/batch`, one request in flight, safe retry); `subscribe` reads the SSE stream from the
 * topic's current end (sse-client.ts). Errors keep the server's code; an unreachable server is
 * UNAVAILABLE.
 */
import { TidemarkError } from '../../model/errors';
import type {
  AppendRequest,
  AppendResponse,
  BatchResponse,
  BatchTxn,
  EventPage,
  InvalidateResult,
  ListTxnsOptions,
  ReadEventsOptions,
  Role,
  StoredEvent,
  SurfaceOptions,
  SurfacePage,
  TopicInfo,
  TxnDetail,
  TxnPage,
} from '../../model/types';
import { validateReason, validateTopic } from '../../model/validate';
import type { InvalidatePreview } from '../../model/store-api';
import { findTopic } from '../find-topic';
import type { CommitListener, EventStore, TailOptions, Unsubscribe } from '../types';
import { OrderedWriter, type OrderedWriterOptions } from './ordered-writer';
import { type SseOptions, streamEvents } from './sse-client';
import { HttpTransport, type QueryValue, topicPath } from './transport';

export { OrderedWriter, type OrderedWriterOptions, type OrderedAppendResponse } from './ordered-writer';
export { HttpTransport } from './transport';

export interface HttpStoreOptions {
  url: string;
  token?: string;
  /** Options of the ordered writer behind `append`/`appendBatch`. */
  writer?: Omit<OrderedWriterOptions, 'url' | 'token'>;
  /** Options of the SSE reader behind `subscribe`. */
  sse?: SseOptions;
}

/** Only the named options, as query values (a stray field must not become an unknown parameter). */
function q(o: object, names: readonly string[]): Record<string, QueryValue> {
  const src = o as Record<string, unknown>;
  const out: Record<string, QueryValue> = {};
  for (const n of names) {
    const v = src[n];
    if (typeof v === 'string' || typeof v === 'number') out[n] = v;
  }
  return out;
}

export class HttpEventStore implements EventStore {
  readonly kind = 'http';
  readonly transport: HttpTransport;
  readonly writer: OrderedWriter;
  private readonly sseOptions: SseOptions;
  private readonly streams = new Set<() => void>();
  private closed = false;

  constructor(opts: HttpStoreOptions) {
    this.transport = new HttpTransport(opts);
    this.writer = new OrderedWriter({ transport: this.transport, options: opts.writer ?? {} });
    this.sseOptions = opts.sse ?? {};
  }

  private open(): void {
    if (this.closed) throw new TidemarkError('UNAVAILABLE', 'this HTTP store has been closed');
  }

  async listTopics(): Promise<TopicInfo[]> {
    this.open();
    return (await this.transport.json<{ topics: TopicInfo[] }>('GET', '/v1/topics')).topics;
  }

  async topicInfo(topic: string): Promise<TopicInfo> {
    this.open();
    return this.transport.json<TopicInfo>('GET', topicPath(validateTopic(topic)));
  }

  async append(topic: string, req: AppendRequest): Promise<AppendResponse> {
    this.open();
    return this.writer.append(topic, req);
  }

  async appendBatch(txns: BatchTxn[]): Promise<BatchResponse> {
    this.open();
    return this.writer.appendBatch(txns);
  }

  async readEvents(topic: string, opts: ReadEventsOptions = {}): Promise<EventPage> {
    this.open();
    return this.transport.json<EventPage>('GET', topicPath(validateTopic(topic), '/events'), {
      query: q(opts, ['after', 'before', 'limit', 'order', 'key', 'txn']),
    });
  }

  async listTxns(topic: string, opts: ListTxnsOptions = {}): Promise<TxnPage> {
    this.open();
    return this.transport.json<TxnPage>('GET', topicPath(validateTopic(topic), '/txns'), {
      query: q(opts, ['after', 'before', 'limit', 'order']),
    });
  }

  async getTxn(topic: string, txn: number): Promise<TxnDetail> {
    this.open();
    return this.transport.json<TxnDetail>('GET', topicPath(validateTopic(topic), `/txns/${txn}`));
  }

  async invalidate(topic: string, txn: number, reason: string): Promise<InvalidateResult> {
    this.open();
    validateReason(reason);
    return this.transport.json<InvalidateResult>('POST', topicPath(validateTopic(topic), `/txns/${txn}/invalidate`), {
      body: { reason },
    });
  }

  async surface(topic: string, opts: SurfaceOptions = {}): Promise<SurfacePage> {
    this.open();
    return this.transport.json<SurfacePage>('GET', topicPath(validateTopic(topic), '/surface'), {
      query: q(opts, ['after', 'limit', 'prefix', 'view', 'asOfTxn']),
    });
  }

  /** Extra route: what invalidating `txn` would change on the surface. */
  async previewInvalidation(topic: string, txn: number, limit?: number): Promise<InvalidatePreview> {
    this.open();
    return this.transport.json<InvalidatePreview>(
      'GET',
      topicPath(validateTopic(topic), `/txns/${txn}/preview-invalidate`),
      {
        query: { limit },
      },
    );
  }

  /** Extra route: loads the demo topic on the server (write role); returns its name. */
  async loadSampleData(): Promise<{ topic: string }> {
    this.open();
    return this.transport.json('POST', '/v1/sample');
  }

  /** Extra route: the caller's role and token name on this server (name null on an open server). */
  async whoami(): Promise<{ role: Role; name: string | null }> {
    this.open();
    return this.transport.json('GET', '/v1/whoami');
  }

  /** Live events with seq > `after`, gap-free across reconnects, until the returned function is called. */
  tail(
    topic: string,
    after: number,
    onEvents: (events: StoredEvent[]) => void,
    opts: TailOptions & Pick<SseOptions, 'reconnectMs'> = {},
  ): Unsubscribe {
    this.open();
    validateTopic(topic);
    const sse: SseOptions = { ...this.sseOptions };
    if (opts.reconnectMs !== undefined) sse.reconnectMs = opts.reconnectMs;
    const onError = opts.onError;
    if (onError) sse.onError = (err) => onError(err, 1);
    const stop = streamEvents(this.transport, topic, after, onEvents, sse);
    return this.track(stop);
  }

  subscribe(topic: string, listener: CommitListener): Unsubscribe {
    this.open();
    validateTopic(topic);
    const from = async (): Promise<number> => (await findTopic(this, topic))?.maxSeq ?? 0;
    return this.track(streamEvents(this.transport, topic, from, listener, this.sseOptions));
  }

  private track(stop: () => void): Unsubscribe {
    const un = (): void => {
      if (this.streams.delete(un)) stop();
    };
    this.streams.add(un);
    return un;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.writer.flush();
    this.closed = true;
    for (const un of [...this.streams]) un();
  }
}

export function openHttpStore(opts: HttpStoreOptions): HttpEventStore {
  return new HttpEventStore(opts);
}
