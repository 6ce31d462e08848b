/**
 * The ordered writer: callers append transactions without waiting; whatever is queued is coalesced
 * into `POST /v1/batch` requests, in order, with one request in flight at a time, so a pipeline of
 * single-event transactions runs at batch speed. Guarantees:
 * - Order: transactions are applied in the order `append` was called.
 * - No later success after an earlier failure: when a transaction fails (server-side error in the
 *   batch, a rejected request, or local validation), it rejects with that error, and every
 *   transaction queued after it at that moment rejects with the same code (message prefixed
 *   "not applied: an earlier transaction failed: ..."). The writer then carries on with new work.
 * - Safe retry: after a network failure or 503 UNAVAILABLE the same batch is sent again (backoff
 *   50 ms doubling to 1 s, for up to `retryForMs`). A transaction the server had already committed
 *   comes back as all-duplicate; it resolves with the seq/txn of the stored events
 *   (`txn` filled from the results, `retried: true`, `recovered: true`). That commit's txn is the
 *   newest txn among the results: events of it that were already duplicates when it was first
 *   committed point to older transactions.
 *   LIMIT: this relies on de-duplication, so it holds only when each event of a retried
 *   transaction is still the newest valid event of its key with the same hash. It does not hold
 *   for a transaction that writes one key twice, when another writer changed the key in between,
 *   or with `expectMaxSeq` (the retry sees a moved max seq and fails with CONFLICT).
 * - A batch the server refuses as too large (413, nothing applied) is split in halves and the
 *   request size lowered; a single transaction over the server's limit fails with TOO_LARGE.
 */
import { TidemarkError, badRequest, hasErrorCode, isErrorCode, codeForStatus } from '../../model/errors';
import { canonicalJson } from '../../model/canonical';
import { hasUnstorableEscape, storableCanonicalJson } from '../../model/text';
import type { AppendRequest, AppendResponse, BatchResponse, BatchTxn } from '../../model/types';
import { byNotAccepted, validateAppendRequest, validateBatchTxn, validateTopic } from '../../model/validate';
import { prepareMeta } from '../meta';
import { paths } from '../../wire/paths';
import { HttpTransport, type TransportOptions } from './transport';

export interface OrderedWriterOptions extends TransportOptions {
  /** Transactions per request (default 10,000). */
  maxTxnsPerRequest?: number;
  /** Approximate request body bytes (default 4 MiB; one larger transaction is sent alone). */
  maxBytesPerRequest?: number;
  /** How long to keep retrying a batch after network errors / 503 (default 60 s). */
  retryForMs?: number;
}

export interface OrderedAppendResponse extends AppendResponse {
  /** Set when the response came from a retry (committed transactions then read as duplicates). */
  retried?: true;
  /**
   * Set when a retry found the transaction already committed (an all-duplicate answer): `txn` is
   * that commit's, and the results with that txn are the events it stored (a result pointing to an
   * older txn was a duplicate already then; several results may share the seq of one stored event).
   */
  recovered?: true;
}

interface Entry {
  body: string;
  error: unknown;
  resolve: (r: OrderedAppendResponse) => void;
  reject: (e: unknown) => void;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function followOn(err: unknown): TidemarkError {
  const code = hasErrorCode(err) ? err.code : 'INTERNAL';
  const message = hasErrorCode(err) ? err.message : 'internal error';
  return new TidemarkError(code, `not applied: an earlier transaction failed: ${message}`, { cause: err });
}

/** Validates and serialises one transaction (throws BAD_REQUEST naming the field). */
export function serializeTxn(topic: string, req: AppendRequest): string {
  return serializeValid({ topic: validateTopic(topic), ...validateAppendRequest(req) }, '');
}

/** Transaction `i` of a batch: as `serializeTxn`, errors naming it `txns[i]...` as every backend does. */
export function serializeBatchTxn(raw: unknown, i: number): string {
  return serializeValid(validateBatchTxn(raw, i), `txns[${i}].`);
}

/**
 * Refuses `by` (the server sets it from the token) and checks `meta` and each event's data as the
 * backends do (JSON, storable text: model/text.ts), then serialises, each event's data as its
 * canonical JSON (the server stores data written that way as it is, without canonicalising it
 * again: model/canonical-spans.ts). The storable-text check scans the serialised body once (it
 * escapes NUL and lone surrogates as the canonical text does); only a hit walks the events to
 * name the place.
 */
function serializeValid(t: BatchTxn, path: string): string {
  if (t.by !== undefined) throw byNotAccepted(`${path}by`);
  prepareMeta(t.meta, `${path}meta`);
  const data = new Array<string>(t.events.length);
  for (let i = 0; i < t.events.length; i++) data[i] = canonicalJson(t.events[i]!.data, `${path}events[${i}].data`);
  // The members JSON.stringify(t) would write, in its order; only the data text differs.
  let body = `{"topic":${JSON.stringify(t.topic)},"events":[`;
  for (let i = 0; i < t.events.length; i++) {
    const e = t.events[i]!;
    body += `${i > 0 ? ',' : ''}{"key":${JSON.stringify(e.key)},"data":${data[i]!}`;
    if (e.contentType !== undefined) body += `,"contentType":${JSON.stringify(e.contentType)}`;
    if (e.hash !== undefined) body += `,"hash":${JSON.stringify(e.hash)}`;
    body += '}';
  }
  body += ']';
  if (t.expectMaxSeq !== undefined) body += `,"expectMaxSeq":${JSON.stringify(t.expectMaxSeq)}`;
  if (t.meta !== undefined) body += `,"meta":${JSON.stringify(t.meta)}`;
  body += '}';
  if (hasUnstorableEscape(body)) {
    for (let i = 0; i < t.events.length; i++) storableCanonicalJson(t.events[i]!.data, `${path}events[${i}].data`);
  }
  return body;
}

export class OrderedWriter {
  private readonly transport: HttpTransport;
  private readonly maxTxns: number;
  private maxBytes: number;
  private readonly retryForMs: number;
  private queue: Entry[] = [];
  private head = 0;
  private running = false;
  private inFlight = 0;
  private idle: (() => void)[] = [];
  /** Settling promises that queued transactions wait for before being sent (`hold`). */
  private readonly holds = new Set<Promise<void>>();

  constructor(opts: OrderedWriterOptions | { transport: HttpTransport; options?: Omit<OrderedWriterOptions, 'url'> }) {
    const o: Omit<OrderedWriterOptions, 'url'> = 'transport' in opts ? (opts.options ?? {}) : opts;
    this.transport = 'transport' in opts ? opts.transport : new HttpTransport(opts);
    this.maxTxns = o.maxTxnsPerRequest ?? 10_000;
    this.maxBytes = o.maxBytesPerRequest ?? 4 * 1024 * 1024;
    this.retryForMs = o.retryForMs ?? 60_000;
  }

  /** Transactions queued or in flight. */
  get pending(): number {
    return this.queue.length - this.head + this.inFlight;
  }

  /** Queues one transaction; resolves when it is committed (durably), rejects per the rules above. */
  append(topic: string, req: AppendRequest): Promise<OrderedAppendResponse> {
    return this.enqueue(() => serializeTxn(topic, req));
  }

  /** Queues the transaction `serialize` returns, or its validation error (rejected in turn). */
  private enqueue(serialize: () => string): Promise<OrderedAppendResponse> {
    return new Promise<OrderedAppendResponse>((resolve, reject) => {
      let body = '';
      let error: unknown = null;
      try {
        body = serialize();
      } catch (e) {
        error = e;
      }
      this.queue.push({ body, error, resolve, reject });
      if (!this.running) {
        // Start on the next microtask, so appends made in the same tick share the first request.
        this.running = true;
        queueMicrotask(() => void this.pump());
      }
    });
  }

  /**
   * The EventStore `appendBatch` contract on top of the queue: the applied prefix and the first
   * failure in `error`; rejects only when the store failed (UNAVAILABLE, INTERNAL): nothing of the
   * batch is then acknowledged.
   */
  async appendBatch(txns: BatchTxn[]): Promise<BatchResponse> {
    if (!Array.isArray(txns)) throw badRequest('txns: must be an array of transactions');
    const settled = await Promise.allSettled(txns.map((t: unknown, i) => this.enqueue(() => serializeBatchTxn(t, i))));
    const results: AppendResponse[] = [];
    for (let i = 0; i < settled.length; i++) {
      const s = settled[i]!;
      if (s.status === 'fulfilled') {
        results.push(s.value);
        continue;
      }
      const err: unknown = s.reason;
      if (hasErrorCode(err) && ['UNAVAILABLE', 'INTERNAL', 'SCHEMA_TOO_NEW'].includes(err.code))
        throw new TidemarkError(err.code, err.message, { cause: err });
      const code = hasErrorCode(err) ? err.code : 'INTERNAL';
      const message = hasErrorCode(err) ? err.message : 'internal error';
      return { results, error: { index: i, status: new TidemarkError(code, message).status, code, message } };
    }
    return { results, error: null };
  }

  /**
   * Sends nothing queued until `p` settles: HttpEventStore.subscribe holds the writes made after it
   * until it has read where its subscription starts, so they are delivered to it.
   */
  hold(p: Promise<unknown>): void {
    const h = p.then(
      () => undefined,
      () => undefined,
    );
    this.holds.add(h);
    void h.then(() => this.holds.delete(h));
  }

  /** Resolves once no `hold` is pending. */
  async released(): Promise<void> {
    while (this.holds.size > 0) await Promise.all([...this.holds]);
  }

  /** Resolves when everything queued so far has settled. */
  flush(): Promise<void> {
    if (!this.running && this.head >= this.queue.length) return Promise.resolve();
    return new Promise((r) => this.idle.push(r));
  }

  private take(): Entry[] {
    const out: Entry[] = [];
    let bytes = 0;
    while (this.head < this.queue.length && out.length < this.maxTxns) {
      const e = this.queue[this.head]!;
      if (e.error !== null) break;
      if (out.length > 0 && bytes + e.body.length > this.maxBytes) break;
      bytes += e.body.length + 1;
      out.push(e);
      this.head++;
    }
    if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    return out;
  }

  /** Rejects everything still queued with a follow-on of `err`. */
  private failQueued(err: unknown): void {
    const rest = this.queue.slice(this.head);
    this.queue = [];
    this.head = 0;
    const follow = followOn(err);
    for (const e of rest) e.reject(follow);
  }

  private async pump(): Promise<void> {
    try {
      while (this.head < this.queue.length) {
        const first = this.queue[this.head]!;
        if (first.error !== null) {
          this.head++;
          first.reject(first.error);
          this.failQueued(first.error);
          continue;
        }
        if (this.holds.size > 0) await this.released();
        const batch = this.take();
        this.inFlight = batch.length;
        try {
          await this.send(batch);
        } finally {
          this.inFlight = 0;
        }
      }
    } finally {
      this.running = false;
      const waiters = this.idle;
      this.idle = [];
      for (const w of waiters) w();
    }
  }

  /**
   * Sends one batch, retrying network failures; resolves to null when every entry resolved, else
   * to the error that stopped it (its entries and the queue have then been rejected). A batch the
   * server refuses as too large (413: nothing applied) is split in halves, sent in order.
   */
  private async send(batch: Entry[], retriedBefore = false): Promise<unknown> {
    let body = '{"txns":[';
    for (let i = 0; i < batch.length; i++) body += (i ? ',' : '') + batch[i]!.body;
    body += ']}';
    const deadline = Date.now() + this.retryForMs;
    let retried = retriedBefore;
    for (let attempt = 0; ; attempt++) {
      let res: BatchResponse;
      try {
        res = await this.transport.json<BatchResponse>('POST', paths.batch(), { body });
      } catch (err) {
        if (hasErrorCode(err) && err.code === 'UNAVAILABLE' && Date.now() < deadline) {
          retried = true;
          await sleep(Math.min(1000, 50 * 2 ** Math.min(attempt, 5)));
          continue;
        }
        if (hasErrorCode(err) && err.code === 'TOO_LARGE' && batch.length > 1) {
          this.maxBytes = Math.max(1024, Math.floor(body.length / 2));
          const half = batch.length >> 1;
          const first = await this.send(batch.slice(0, half), retried);
          if (first !== null) {
            const follow = followOn(first);
            for (const e of batch.slice(half)) e.reject(follow);
            return first;
          }
          return this.send(batch.slice(half), retried);
        }
        this.fail(batch, 0, err);
        return err;
      }
      const n = Math.min(res.results.length, batch.length);
      for (let i = 0; i < n; i++) batch[i]!.resolve(retried ? fromRetry(res.results[i]!) : res.results[i]!);
      if (res.error) {
        const code = isErrorCode(res.error.code) ? res.error.code : codeForStatus(res.error.status);
        const err = new TidemarkError(code, res.error.message);
        this.fail(batch, res.error.index, err);
        return err;
      }
      if (n < batch.length) {
        const err = new TidemarkError('INTERNAL', 'the server acknowledged fewer transactions than were sent');
        this.fail(batch, n, err);
        return err;
      }
      return null;
    }
  }

  /** `batch[index]` rejects with `err`; everything after it, and everything queued, with a follow-on. */
  private fail(batch: Entry[], index: number, err: unknown): void {
    const follow = followOn(err);
    batch[index]?.reject(err);
    for (let i = index + 1; i < batch.length; i++) batch[i]!.reject(follow);
    this.failQueued(err);
  }
}

/** After a retry, an all-duplicate answer is our own earlier commit: report its txn (the newest). */
function fromRetry(r: AppendResponse): OrderedAppendResponse {
  if (r.txn !== null || r.results.length === 0) return { ...r, retried: true };
  let txn = r.results[0]!.txn;
  for (const x of r.results) if (x.txn > txn) txn = x.txn;
  return { txn, results: r.results, retried: true, recovered: true };
}
