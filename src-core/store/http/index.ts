/**
 * `openHttpStore`: an `EventStore` that talks to a `tidemark serve` over HTTP (API.md), so the same
 * code (CLI, contract suite, desktop app) works against a remote store. Routes, queries, errors,
 * whoami and the live tail are the wire's (src-core/wire/, shared with the browser adapter); what is
 * this client's own is the ordered writer behind `append` and `appendBatch` (ordered-writer.ts:
 * pipelined into `/v1/batch`, one request in flight, safe retry) and the bookkeeping of its open
 * streams, which `close()` ends. `subscribe` reads the live stream from the topic's current end.
 * Errors keep the server's code; an unreachable server is UNAVAILABLE.
 */
import { badRequest, hasErrorCode, storeClosed, toBatchError } from '../../model/errors';
import { batchOptionsOf, isDryRun } from '../write-options';
import type { ImportOptions, ImportResult, ImportTxn } from '../../model/integrity';
import { importOverHttp } from './import';
import type {
  AppendOptions,
  AppendRequest,
  AppendResponse,
  BatchOptions,
  BatchResponse,
  BatchTxn,
  EventPage,
  InvalidateOptions,
  InvalidateResult,
  ListTxnsOptions,
  ReadEventsOptions,
  StoredEvent,
  SurfaceOptions,
  SurfacePage,
  Timeline,
  TimelineOptions,
  TopicInfo,
  TxnDetail,
  TxnPage,
} from '../../model/types';
import { byNotAccepted, validateNonNegativeInt, validateReason, validateTopic } from '../../model/validate';
import {
  LIST_TXNS_OPTION_KEYS,
  READ_EVENTS_OPTION_KEYS,
  SURFACE_OPTION_KEYS,
  TIMELINE_OPTION_KEYS,
} from '../../model/option-keys';
import { EVENT_PAGES, type PageKind, SURFACE_PAGES, TXN_PAGES, responsePages } from '../../wire/pages';
import { paths } from '../../wire/paths';
import { queryOf } from '../../wire/query';
import { type StreamTailOptions, tailStream } from '../../wire/sse-tail';
import { type Whoami, askWhoami } from '../../wire/whoami';
import { findTopic } from '../find-topic';
import type { CommitListener, EventStore, TailOptions, Unsubscribe } from '../types';
import { OrderedWriter, type OrderedWriterOptions, serializeBatchTxn, serializeTxn } from './ordered-writer';
import { HttpTransport } from './transport';
import type { VerifyOptions, VerifyResult } from '../../model/integrity';
import { verifyOverWire } from '../../wire/verify-stream';

export { OrderedWriter, type OrderedWriterOptions, type OrderedAppendResponse } from './ordered-writer';
export { HttpTransport } from './transport';

export interface HttpStoreOptions {
  url: string;
  token?: string;
  /** Options of the ordered writer behind `append`/`appendBatch`. */
  writer?: Omit<OrderedWriterOptions, 'url' | 'token'>;
  /** Options of the live stream behind `subscribe` and `tail` (reconnect delay; `onError` for `subscribe`). */
  sse?: StreamTailOptions;
}

export class HttpEventStore implements EventStore {
  readonly kind = 'http';
  readonly transport: HttpTransport;
  readonly writer: OrderedWriter;
  private readonly sseOptions: StreamTailOptions;
  private readonly streams = new Set<() => void>();
  private closed = false;

  constructor(opts: HttpStoreOptions) {
    this.transport = new HttpTransport(opts);
    this.writer = new OrderedWriter({ transport: this.transport, options: opts.writer ?? {} });
    this.sseOptions = opts.sse ?? {};
  }

  private open(): void {
    if (this.closed) throw storeClosed();
  }

  async listTopics(): Promise<TopicInfo[]> {
    this.open();
    return (await this.transport.json<{ topics: TopicInfo[] }>('GET', paths.topics())).topics;
  }

  async topicInfo(topic: string): Promise<TopicInfo> {
    this.open();
    return this.transport.json<TopicInfo>('GET', paths.topic(validateTopic(topic)));
  }

  /** A dry run is one `POST …/txns?dryRun=true` of its own, outside the ordered writer's queue. */
  async append(topic: string, req: AppendRequest, opts?: AppendOptions): Promise<AppendResponse> {
    this.open();
    if (!isDryRun(opts)) return this.writer.append(topic, req);
    const body = serializeTxn(topic, req);
    return this.transport.json<AppendResponse>('POST', paths.txns(validateTopic(topic)), {
      query: { dryRun: 'true' },
      body,
    });
  }

  /**
   * Through the ordered writer; an atomic or dry-run batch is one `POST /v1/batch?atomic=…&dryRun=…`
   * of its own, outside the writer's queue (it must not be split or coalesced), so it is not
   * ordered after appends still queued: await those first (as `append`'s dry run). A transaction
   * refused here before sending is reported as the server would: an atomic batch sends nothing.
   */
  async appendBatch(txns: BatchTxn[], opts?: BatchOptions): Promise<BatchResponse> {
    this.open();
    const o = batchOptionsOf(opts);
    if (!o.atomic && !o.dryRun) return this.writer.appendBatch(txns);
    if (!Array.isArray(txns)) throw badRequest('txns: must be an array of transactions');
    const bodies: string[] = [];
    let refused: BatchResponse['error'] = null;
    for (let i = 0; i < txns.length && refused === null; i++) {
      try {
        bodies.push(serializeBatchTxn(txns[i], i));
      } catch (err) {
        if (!hasErrorCode(err)) throw err;
        refused = toBatchError(i, err);
      }
    }
    if (bodies.length === 0 || (o.atomic && refused !== null)) return { results: [], error: refused };
    await this.writer.released();
    const res = await this.transport.json<BatchResponse>('POST', paths.batch(), {
      query: { ...(o.atomic ? { atomic: 'true' } : {}), ...(o.dryRun ? { dryRun: 'true' } : {}) },
      body: `{"txns":[${bodies.join(',')}]}`,
    });
    return res.error === null && refused !== null ? { ...res, error: refused } : res;
  }

  /** One streamed `POST …/import` (http/import.ts); the server checks and commits. */
  async importTxns(
    topic: string,
    txns: AsyncIterable<ImportTxn> | Iterable<ImportTxn>,
    opts?: ImportOptions,
  ): Promise<ImportResult> {
    this.open();
    return importOverHttp(this.transport, topic, txns, opts);
  }

  async readEvents(topic: string, opts: ReadEventsOptions = {}): Promise<EventPage> {
    this.open();
    return this.transport.json<EventPage>('GET', paths.events(validateTopic(topic)), {
      query: queryOf(opts, READ_EVENTS_OPTION_KEYS),
    });
  }

  /**
   * Every page of `readEvents(topic, opts)` from the first to the last, in order, with a read-ahead
   * of one page (wire/pages.ts): the next page is asked for as soon as a page's headers announce
   * its cursor, so the server builds it while this client reads the page in hand. Breaking out of
   * the loop cancels the page asked ahead. `max` caps the rows of all pages together (no page is
   * asked for beyond it). `txnPages` and `surfacePages` do the same for `listTxns` and `surface`.
   */
  eventPages(topic: string, opts: ReadEventsOptions = {}, max?: number): AsyncGenerator<EventPage, void, undefined> {
    return this.pages(EVENT_PAGES, paths.events, topic, READ_EVENTS_OPTION_KEYS, opts, max);
  }

  txnPages(topic: string, opts: ListTxnsOptions = {}, max?: number): AsyncGenerator<TxnPage, void, undefined> {
    return this.pages(TXN_PAGES, paths.txns, topic, LIST_TXNS_OPTION_KEYS, opts, max);
  }

  surfacePages(topic: string, opts: SurfaceOptions = {}, max?: number): AsyncGenerator<SurfacePage, void, undefined> {
    return this.pages(SURFACE_PAGES, paths.surface, topic, SURFACE_OPTION_KEYS, opts, max);
  }

  /** The pages of `GET route(topic)` with the query of `opts` (its `keys`), one page ahead. */
  private pages<O extends object & { limit?: number }, P, C extends number | string>(
    kind: PageKind<O, P, C>,
    route: (topic: string) => string,
    topic: string,
    keys: readonly (keyof O & string)[],
    opts: O,
    max: number | undefined,
  ): AsyncGenerator<P, void, undefined> {
    this.open();
    const path = route(validateTopic(topic));
    const what = `GET ${path}`;
    return responsePages(
      kind,
      (o, signal) =>
        this.transport.send('GET', path, {
          query: queryOf(o, keys),
          headers: { accept: 'application/json' },
          signal,
          what,
        }),
      (res) => this.transport.jsonOf<P>(res, what),
      opts,
      max,
    );
  }

  async listTxns(topic: string, opts: ListTxnsOptions = {}): Promise<TxnPage> {
    this.open();
    return this.transport.json<TxnPage>('GET', paths.txns(validateTopic(topic)), {
      query: queryOf(opts, LIST_TXNS_OPTION_KEYS),
    });
  }

  async timeline(topic: string, opts: TimelineOptions = {}): Promise<Timeline> {
    this.open();
    return this.transport.json<Timeline>('GET', paths.timeline(validateTopic(topic)), {
      query: queryOf(opts, TIMELINE_OPTION_KEYS),
    });
  }

  async getTxn(topic: string, txn: number): Promise<TxnDetail> {
    this.open();
    return this.transport.json<TxnDetail>('GET', paths.txn(validateTopic(topic), txn));
  }

  /** `opts.by` is refused (BAD_REQUEST): the server records the name of this client's token. */
  async invalidate(topic: string, txn: number, reason: string, opts?: InvalidateOptions): Promise<InvalidateResult> {
    this.open();
    validateReason(reason);
    if (opts?.by !== undefined && opts.by !== null) throw byNotAccepted('by');
    await this.writer.released();
    return this.transport.json<InvalidateResult>('POST', paths.invalidate(validateTopic(topic), txn), {
      body: { reason },
    });
  }

  async surface(topic: string, opts: SurfaceOptions = {}): Promise<SurfacePage> {
    this.open();
    return this.transport.json<SurfacePage>('GET', paths.surface(validateTopic(topic)), {
      query: queryOf(opts, SURFACE_OPTION_KEYS),
    });
  }

  /** `GET …/verify` (wire/verify-stream.ts): progress lines to `opts.onProgress`; the signal cancels. */
  async verify(topic: string, opts: VerifyOptions = {}): Promise<VerifyResult> {
    this.open();
    return verifyOverWire(this.transport, validateTopic(topic), opts);
  }

  /** Extra route: the caller's role and token name on this server (name null on an open server). */
  async whoami(): Promise<Whoami> {
    this.open();
    return askWhoami(this.transport);
  }

  /**
   * The live tail over the SSE stream (src-core/wire/sse-tail.ts): every event with seq > `after`,
   * gap-free across reconnects, until the returned function is called or the store is closed. An
   * invalid topic or `after` throws at once (BAD_REQUEST); later, `onError` gets each failure with
   * the count of consecutive ones, and a fatal one (400, 401, 403, 404) ends the tail.
   */
  tail(
    topic: string,
    after: number,
    onEvents: (events: StoredEvent[]) => void,
    opts: TailOptions & Pick<StreamTailOptions, 'reconnectMs'> = {},
  ): Unsubscribe {
    this.open();
    validateTopic(topic);
    validateNonNegativeInt(after, 'after');
    const stream: StreamTailOptions = { reconnectMs: opts.reconnectMs ?? this.sseOptions.reconnectMs };
    if (opts.onError) stream.onError = opts.onError;
    return this.track(tailStream(this.transport, topic, after, onEvents, stream));
  }

  subscribe(topic: string, listener: CommitListener): Unsubscribe {
    this.open();
    validateTopic(topic);
    const lookup = async (): Promise<number> => (await findTopic(this, topic))?.maxSeq ?? 0;
    // Writes made through this store after subscribe() returns are delivered to it: they are held
    // until its start is read (a failed first read is asked again by the next connection).
    let first: Promise<number> | null = lookup();
    this.writer.hold(first);
    const from = (): Promise<number> => {
      const p = first ?? lookup();
      first = null;
      return p;
    };
    return this.track(tailStream(this.transport, topic, from, listener, this.sseOptions));
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
