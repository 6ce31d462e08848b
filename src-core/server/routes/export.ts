/**
 * `GET /v1/topics/{topic}/surface/export?format=csv|ndjson&view=&asOfTxn=&prefix=` (read role):
 * streams every surface row, page by page (10,000 rows per store call), as a download. CSV has the
 * header `key,seq,txn,hash,time,invalid,data` (RFC 4180 quoting; `data` is canonical JSON,
 * `invalid` is `true`/`false`); NDJSON has one SurfaceRow per line. The first page is read before
 * the status is sent, so a bad topic or parameter is a normal JSON error; a failure after that
 * aborts the response (the client sees a truncated transfer, never a silently short file).
 * Pages follow the key cursor, so rows written during a long export may or may not appear.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { storedCanonicalJson } from '../../model/canonical';
import { stringifyJson } from '../../model/json-text';
import { LIMITS } from '../../model/limits';
import type { SurfaceOptions, SurfacePage, SurfaceRow } from '../../model/types';
import type { EventStore } from '../../store/types';
import type { RouteContext } from '../context';
import { type Query, checkQuery, defined, enumParam, intParam, stringParam, topicParam, viewParam } from '../params';

const FORMATS = ['csv', 'ndjson'] as const;
type Format = (typeof FORMATS)[number];

/** One CSV field, quoted when it holds a comma, quote, CR/LF or edge spaces (RFC 4180). */
export function csvField(s: string): string {
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const CSV_HEADER = 'key,seq,txn,hash,time,invalid,data\r\n';

export function csvLine(r: SurfaceRow): string {
  return (
    [
      csvField(r.key),
      String(r.seq),
      String(r.txn),
      r.hash,
      r.time,
      r.invalid ? 'true' : 'false',
      csvField(storedCanonicalJson(r.data)),
    ].join(',') + '\r\n'
  );
}

function formatPage(rows: SurfaceRow[], format: Format): string {
  let out = '';
  for (const r of rows) out += format === 'csv' ? csvLine(r) : stringifyJson(r) + '\n';
  return out;
}

async function* pages(store: EventStore, topic: string, opts: SurfaceOptions, first: SurfacePage, format: Format) {
  if (format === 'csv') yield CSV_HEADER;
  let page = first;
  for (;;) {
    if (page.rows.length) yield formatPage(page.rows, format);
    if (page.next === null) return;
    page = await store.surface(topic, { ...opts, after: page.next });
  }
}

export function registerExportRoute(app: FastifyInstance, ctx: RouteContext): void {
  const { store } = ctx;
  app.get<{ Params: { topic: string }; Querystring: Query }>('/v1/topics/:topic/surface/export', async (req, reply) => {
    const topic = topicParam(req.params);
    checkQuery(req.query, ['format', 'view', 'asOfTxn', 'prefix']);
    const format: Format = enumParam(req.query, 'format', FORMATS) ?? 'ndjson';
    const opts: SurfaceOptions = defined({
      view: viewParam(req.query),
      asOfTxn: intParam(req.query, 'asOfTxn'),
      prefix: stringParam(req.query, 'prefix', LIMITS.keyMax, true),
      limit: LIMITS.pageMax,
    });
    const first = await store.surface(topic, opts);
    const file = `${topic.replace(/[^A-Za-z0-9._-]/g, '_')}-surface.${format}`;
    void reply
      .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
      .header('content-disposition', `attachment; filename="${file}"`)
      .header('cache-control', 'no-store');
    return reply.send(Readable.from(pages(store, topic, opts, first, format)));
  });
}
