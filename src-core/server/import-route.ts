/**
 * `POST /v1/topics/:topic/import` (role admin; API.md "Integrity", docs/api.md): the body, NDJSON
 * read as it streams (import-lines.ts, never buffered whole), is handed to the store's
 * `importTxns` transaction by transaction; each commits as it arrives, so the body has no overall
 * size limit but a duration (LIMITS.importBodyMsMax) and an idle limit (LIMITS.importIdleMsMax),
 * which this route times itself (the server's body timeout leaves it alone). Answer 200
 * `{"imported","head","error"}` as /v1/batch: a refused transaction (its index, status, code,
 * message) or a malformed line (400 naming its line number, at the index of the transaction it
 * would have started or belonged to) ends the import with everything before it committed, so
 * sending the same body again resumes (the committed transactions are then refused as not
 * following the head: send the rest). A timeout answers 408, a closed connection cancels.
 */
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { TidemarkError, badRequest } from '../model/errors';
import type { ImportResult } from '../model/integrity';
import { LIMITS } from '../model/limits';
import { validateTopic } from '../model/validate';
import type { EventStore } from '../store/types';
import { ImportLines } from './import-lines';

type ImportRequest = FastifyRequest<{ Params: { topic: string } }>;

export function registerImportRoute(app: FastifyInstance, store: EventStore): void {
  void app.register((scope, _o, done) => {
    // Only in this scope: the body arrives as the raw stream, whatever its type (checked below).
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req: FastifyRequest, payload: Readable, next) => next(null, payload));
    scope.post<{ Params: { topic: string } }>(
      '/v1/topics/:topic/import',
      { config: { ownsBodyTimeout: true } },
      (req, reply) => runImport(req, reply, store),
    );
    done();
  });
}

async function runImport(req: ImportRequest, reply: FastifyReply, store: EventStore): Promise<ImportResult> {
  const topic = validateTopic(req.params.topic);
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/x-ndjson\s*(;|$)/i.test(type)) {
    throw badRequest(`content-type: ${JSON.stringify(type)}; an import body is application/x-ndjson`);
  }
  const body = req.body as Readable;
  const ac = new AbortController();
  const stop = (e: TidemarkError): void => {
    if (ac.signal.aborted) return;
    ac.abort(e);
    body.destroy(e);
  };
  const deadline = setTimeout(
    () => stop(new TidemarkError('TIMEOUT', `body: not finished within ${LIMITS.importBodyMsMax} ms`)),
    LIMITS.importBodyMsMax,
  );
  let idle = setTimeout(() => undefined, 0);
  const arm = (): void => {
    clearTimeout(idle);
    idle = setTimeout(
      () => stop(new TidemarkError('TIMEOUT', `body: no byte arrived for ${LIMITS.importIdleMsMax} ms`)),
      LIMITS.importIdleMsMax,
    );
  };
  const onClose = (): void => {
    if (!reply.raw.writableFinished) stop(new TidemarkError('CANCELLED', 'the client closed the connection'));
  };
  reply.raw.on('close', onClose);
  const lines = new ImportLines();
  // Only the wait for the client counts as idle, not the store's work between chunks.
  async function* chunks(): AsyncGenerator<Buffer | string> {
    const it = body[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
    for (;;) {
      arm();
      const r = await it.next();
      clearTimeout(idle);
      if (r.done === true) return;
      yield r.value;
    }
  }
  try {
    const res = await store.importTxns(topic, lines.units(chunks()), { signal: ac.signal });
    if (res.error === null && lines.error !== null) {
      return { ...res, error: { index: res.imported, status: 400, code: 'BAD_REQUEST', message: lines.error } };
    }
    return res;
  } catch (e) {
    const reason: unknown = ac.signal.aborted ? ac.signal.reason : null;
    throw reason instanceof TidemarkError ? reason : e;
  } finally {
    clearTimeout(deadline);
    clearTimeout(idle);
    reply.raw.off('close', onClose);
  }
}
