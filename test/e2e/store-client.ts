/**
 * A tiny HTTP client the e2e tests use to arrange data and to write "from elsewhere" (e.g. while
 * the Live tail is on): plain fetch against the test's own server, failing loudly on non-2xx.
 */
import type {
  AppendResponse,
  DiffResult,
  EventInput,
  InvalidateResult,
  SurfacePage,
  TopicInfo,
  TxnDetail,
} from '../../src-core/model/types';

export class StoreClient {
  constructor(
    readonly url: string,
    private readonly token?: string,
  ) {}

  /** The token's header, when the server has tokens. */
  private auth(): Record<string, string> {
    return this.token ? { Authorization: `Bearer ${this.token}` } : {};
  }

  private async call<T>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
    const headers: Record<string, string> = { 'Content-Type': contentType, ...this.auth() };
    const res = await fetch(this.url + path, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} -> ${res.status}: ${text}`);
    return JSON.parse(text) as T;
  }

  /** The surface export's bytes, as the server sends them. */
  async exportSurface(topic: string, format: 'csv' | 'ndjson'): Promise<Buffer> {
    const res = await fetch(`${this.url}/v1/topics/${encodeURIComponent(topic)}/surface/export?format=${format}`, {
      headers: this.auth(),
    });
    if (!res.ok) throw new Error(`export ${topic} -> ${res.status}: ${await res.text()}`);
    return Buffer.from(await res.arrayBuffer());
  }

  /** Writes one transaction; `meta` is stored with it (`by` is the server's: this client's token name). */
  append(topic: string, events: EventInput[], meta?: Record<string, unknown>): Promise<AppendResponse> {
    return this.call('POST', `/v1/topics/${encodeURIComponent(topic)}/txns`, meta ? { events, meta } : { events });
  }

  invalidate(topic: string, txn: number, reason: string): Promise<InvalidateResult> {
    return this.call('POST', `/v1/topics/${encodeURIComponent(topic)}/txns/${txn}/invalidate`, { reason });
  }

  topicInfo(topic: string): Promise<TopicInfo> {
    return this.call('GET', `/v1/topics/${encodeURIComponent(topic)}`);
  }

  getTxn(topic: string, txn: number): Promise<TxnDetail> {
    return this.call('GET', `/v1/topics/${encodeURIComponent(topic)}/txns/${txn}`);
  }

  /** The first page of the surface (up to 10,000 rows). */
  surface(topic: string): Promise<SurfacePage> {
    return this.call('GET', `/v1/topics/${encodeURIComponent(topic)}/surface?limit=10000`);
  }

  /** Diffs the topic against a snapshot (`text` of `contentType`), as the route answers. */
  diff(topic: string, text: string, contentType: string): Promise<DiffResult> {
    return this.call('POST', `/v1/topics/${encodeURIComponent(topic)}/diff`, text, contentType);
  }

  /** Writes `n` transactions of `perTxn` events with keys `${prefix}${i}`. */
  async seed(topic: string, n: number, perTxn: number, prefix = 'K-'): Promise<void> {
    for (let t = 0; t < n; t++) {
      const events: EventInput[] = [];
      for (let i = 0; i < perTxn; i++) {
        const k = t * perTxn + i;
        events.push({ key: `${prefix}${String(k).padStart(4, '0')}`, data: { n: k, txn: t + 1, name: `item ${k}` } });
      }
      await this.append(topic, events);
    }
  }
}
