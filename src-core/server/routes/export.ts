/**
 * `GET /v1/topics/{topic}/surface/export?format=csv|ndjson&view=&asOfTxn=&prefix=` (read role):
 * streams every surface row, page by page (10,000 rows per store call), as a download, in the
 * formats of src-core/export/surface.ts (CSV header `key,seq,txn,hash,time,invalid,data`, cells
 * safe to open in a spreadsheet; NDJSON one SurfaceRow per line). The first page is read before
 * the status is sent, so a bad topic or parameter is a normal JSON error; a failure after that
 * aborts the response (the client sees a truncated transfer, never a silently short file).
 * Pages follow the key cursor, so rows written during a long export may or may not appear.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { exportFileName, exportMediaType } from '../../export/names';
import { SURFACE_CSV_HEADER, surfaceRowsText } from '../../export/surface';
import { LIMITS } from '../../model/limits';
import type { SurfaceOptions, SurfacePage } from '../../model/types';
import type { EventStore } from '../../store/types';
import type { RouteContext } from '../context';
import { type Query, defined, enumParam, intParam, stringParam, topicParam, viewParam } from '../params';

const FORMATS = ['csv', 'ndjson'] as const;
type Format = (typeof FORMATS)[number];

async function* pages(store: EventStore, topic: string, opts: SurfaceOptions, first: SurfacePage, format: Format) {
  if (format === 'csv') yield SURFACE_CSV_HEADER;
  let page = first;
  for (;;) {
    if (page.rows.length) yield surfaceRowsText(page.rows, format);
    if (page.next === null) return;
    page = await store.surface(topic, { ...opts, after: page.next });
  }
}

export function registerExportRoute(app: FastifyInstance, ctx: RouteContext): void {
  const { store } = ctx;
  app.get<{ Params: { topic: string }; Querystring: Query }>('/v1/topics/:topic/surface/export', async (req, reply) => {
    const topic = topicParam(req.params);
    const format: Format = enumParam(req.query, 'format', FORMATS) ?? 'ndjson';
    const opts: SurfaceOptions = defined({
      view: viewParam(req.query),
      asOfTxn: intParam(req.query, 'asOfTxn'),
      prefix: stringParam(req.query, 'prefix', LIMITS.keyMax, true),
      limit: LIMITS.pageMax,
    });
    const first = await store.surface(topic, opts);
    const file = exportFileName(topic, 'surface', format);
    void reply
      .type(exportMediaType(format))
      .header('content-disposition', `attachment; filename="${file}"`)
      .header('cache-control', 'no-store');
    return reply.send(Readable.from(pages(store, topic, opts, first, format)));
  });
}
