/**
 * `GET /v1/topics/{topic}/surface/export?format=csv|ndjson&view=&asOfTxn=&prefix=` (read role):
 * streams every surface row as a download, produced by the store's services (`servicesFor`,
 * src-core/services/: pages of 10,000 rows per store call) in the formats of
 * src-core/export/surface.ts (CSV header `key,seq,txn,hash,time,invalid,data`, cells safe to open
 * in a spreadsheet; NDJSON one SurfaceRow per line). The first page is read before the status is
 * sent, so a bad topic or parameter is a normal JSON error; a failure after that aborts the
 * response (the client sees a truncated transfer, never a silently short file). Pages follow the
 * key cursor, so rows written during a long export may or may not appear.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { exportFileName, exportMediaType } from '../../export/names';
import type { ExportSurfaceRequest } from '../../model/store-api';
import { servicesFor } from '../../services/index';
import type { RouteContext } from '../context';
import { type Query, topicParam } from '../params';
import { optionsFromQuery } from '../query-schema';
import { exportSurfaceRequestSchema } from '../../model/options';

export function registerExportRoute(app: FastifyInstance, ctx: RouteContext): void {
  const services = servicesFor(ctx.store);
  app.get<{ Params: { topic: string }; Querystring: Query }>('/v1/topics/:topic/surface/export', async (req, reply) => {
    const topic = topicParam(req.params);
    const exportReq: ExportSurfaceRequest = optionsFromQuery(exportSurfaceRequestSchema, req.query, {
      format: 'ndjson',
    });
    const text = await services.exportSurface(topic, exportReq);
    const file = exportFileName(topic, 'surface', exportReq.format);
    void reply
      .type(exportMediaType(exportReq.format))
      .header('content-disposition', `attachment; filename="${file}"`)
      .header('cache-control', 'no-store');
    return reply.send(Readable.from(text));
  });
}
