/**
 * Write routes: one transaction (`POST /v1/topics/{topic}/txns`), several in order
 * (`POST /v1/batch`: `store.appendBatch`, so the backend commits the batch durably before anything
 * is acknowledged; a long one that is neither atomic nor a dry run in slices of 10,000 events, the
 * event loop turning between them, so one large batch does not hold every other request),
 * invalidation (admin role), re-publish of an invalidated transaction (`POST …/txns/{txn}/republish`,
 * write role, services/republish.ts) and the demo data (`POST /v1/sample`, through the store's
 * services, `servicesFor`).
 * Bodies are validated before the store is touched, so a rejected request changes nothing. `by` is
 * the server's: each write and invalidation is stored with the name of the request's token (null
 * without tokens), and a body naming `by` (anywhere in a batch) is refused whole with 400.
 * `POST …/txns?dryRun=true` answers what the write would return and writes nothing (the store
 * runs it in its write transaction and rolls back); so does `POST /v1/batch?dryRun=true`, and
 * `?atomic=true` commits the whole batch in one database commit or nothing of it (its answer is
 * then `{results: [], error}` on the first failure, a refused transaction included). In a
 * batch, a transaction that fails validation is reported exactly like one the store rejected: the
 * transactions before it are applied, it and everything after it are not. That includes data
 * nested too deeply (the body parser reports where, json-body.ts); a body that is not well-formed
 * as a whole (bad UTF-8 or grammar, a duplicate member name, a number beyond ±2^53) is refused
 * whole before anything is applied, since no part of it can be trusted to mean what was sent.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { badRequest, toBatchError, toErrorBody } from '../../model/errors';
import type { AppendResponse, BatchResponse, BatchTxn } from '../../model/types';
import {
  byNotAccepted,
  isPlainObject,
  validateAppendRequest,
  validateBatchTxn,
  validateNonNegativeInt,
  validateNote,
  validateReason,
} from '../../model/validate';
import type { RepublishOptions } from '../../model/store-api';
import { servicesFor } from '../../services/index';
import { turn } from '../../diff/pacer';
import { type BatchSlice, aheadSlices, prepareBatchTxnAhead } from '../../store/prepare';
import type { EventStore } from '../../store/types';
import { callerName } from '../auth';
import type { RouteContext } from '../context';
import { internalMessage } from '../errors';
import { type JsonBodyConfig, canonicalIn, tooDeepIn } from '../json-body';
import { type Query, enumParam, topicParam, txnParam } from '../params';

/** Body levels around event data: `{"events":[{event}]}` and `{"txns":[{"events":[{event}]}]}`. */
const TXN_BODY: JsonBodyConfig = { envelope: 3 };
const BATCH_BODY: JsonBodyConfig = {
  envelope: 5,
  depthPerTxn: true,
  // Event data the client wrote as canonical JSON is stored as written (the HTTP client does).
  canonicalAt: ['txns', null, 'events', null, 'data'],
};

/**
 * Events of one slice of a long batch (`aheadSlices`, store/prepare.ts): a batch of more is applied
 * in slices, and other requests run between them. The ordered writer's request of 10,000
 * one-event transactions is one slice.
 */
export const BATCH_SLICE_EVENTS = 10_000;

/**
 * The slices of a batch applied in order, each one `appendBatch` call (its own commit), the event
 * loop turning between them. It stops at the first refused transaction, named by its index in the
 * whole batch; a storage failure after the first slice is that slice's first transaction's error
 * (the slices before it stay applied, as the transactions before any refused one do).
 */
async function appendSlices(store: EventStore, slices: BatchSlice[]): Promise<BatchResponse> {
  const results: AppendResponse[] = [];
  for (const [k, slice] of slices.entries()) {
    let res: BatchResponse;
    if (k > 0) await turn();
    try {
      res = await store.appendBatch(slice.txns, { atomic: false, dryRun: false });
    } catch (err) {
      if (k === 0) throw err;
      return { results, error: toBatchError(slice.from, toErrorBody(err)) };
    }
    results.push(...res.results);
    if (res.error !== null) return { results, error: { ...res.error, index: res.error.index + slice.from } };
  }
  return { results, error: null };
}

/** Writes take JSON only (other parsers may exist for the diff route). */
function jsonBody(req: FastifyRequest, shape: string): Record<string, unknown> {
  const ct = (req.headers['content-type'] ?? '').split(';', 1)[0]?.trim().toLowerCase();
  if (req.body !== undefined && ct !== 'application/json') {
    throw badRequest(`content-type: ${JSON.stringify(ct)} is not accepted here; send application/json`);
  }
  if (!isPlainObject(req.body)) throw badRequest(`body: must be a JSON object ${shape}`);
  return req.body;
}

export function registerWriteRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { store, metrics } = ctx;
  const services = servicesFor(store);

  app.post<{ Params: { topic: string }; Querystring: Query }>(
    '/v1/topics/:topic/txns',
    { config: { jsonBody: TXN_BODY } },
    async (req) => {
      const topic = topicParam(req.params);
      const raw = jsonBody(req, 'with an "events" array');
      if (raw.by !== undefined) throw byNotAccepted('by');
      const body = validateAppendRequest(raw);
      const dryRun = enumParam(req.query, 'dryRun', ['true', 'false']) === 'true';
      const res = await store.append(topic, { ...body, by: callerName(req) }, { dryRun });
      if (!dryRun) metrics.recordAppend(res);
      return res;
    },
  );

  app.post<{ Querystring: Query }>(
    '/v1/batch',
    { config: { jsonBody: BATCH_BODY } },
    async (req): Promise<BatchResponse> => {
      const body = jsonBody(req, 'with a "txns" array');
      // Nesting too deep inside txns[i] fails transaction i; anywhere else, the whole request.
      const deep = tooDeepIn(req, 'txns');
      if (!Array.isArray(body.txns)) throw badRequest('txns: must be an array of transactions');
      const raw: unknown[] = body.txns;
      // `by` is the server's to set: a request naming it anywhere is refused whole, nothing applied.
      raw.forEach((t, i) => {
        if (isPlainObject(t) && t.by !== undefined) throw byNotAccepted(`txns[${i}].by`);
      });
      const by = callerName(req);
      const known = canonicalIn(req) ?? undefined;
      const valid: BatchTxn[] = [];
      let invalid: { index: number; error: unknown } | null = null;
      // Each transaction is prepared here as it is checked (canonical data, hashes), so the
      // store's prepareBatch takes it as it is (store/prepare.ts); from the first it refuses on,
      // only checked, and the store refuses that one itself, as it always did.
      let ahead = true;
      for (let i = 0; i < raw.length; i++) {
        // Preparing is pure: other requests may run between transactions (a long batch's own
        // work is measured in docs/security.md, "Work one request makes").
        if (i > 0 && i % BATCH_SLICE_EVENTS === 0) await turn();
        try {
          if (i === deep?.index) throw deep.error;
          if (ahead) {
            const t = prepareBatchTxnAhead(raw[i], i, by, known);
            valid.push(t.txn);
            ahead = t.prepared;
          } else {
            // Checked and prepared by the store from its data as sent, which the body reader
            // left out where it was canonical (json-body.ts `canonicalAt`): put back here.
            known?.restore(raw[i], i);
            valid.push({ ...validateBatchTxn(raw[i], i), by });
          }
        } catch (error) {
          invalid = { index: i, error };
          break;
        }
      }
      const atomic = enumParam(req.query, 'atomic', ['true', 'false']) === 'true';
      const dryRun = enumParam(req.query, 'dryRun', ['true', 'false']) === 'true';
      // A long batch that is neither atomic nor a dry run is applied slice by slice, the event
      // loop turning between slices; anything else in one call, as one commit or none.
      const slices = atomic || dryRun ? null : aheadSlices(valid, BATCH_SLICE_EVENTS);
      // Atomic: a transaction refused here means nothing of the batch is applied.
      const res: BatchResponse =
        valid.length === 0 || (atomic && invalid !== null)
          ? { results: [], error: null }
          : slices !== null && slices.length > 1
            ? await appendSlices(store, slices)
            : await store.appendBatch(valid, { atomic, dryRun });
      if (!dryRun) metrics.recordAppends(res.results);
      if (res.error === null && invalid !== null) {
        res.error = toBatchError(invalid.index, toErrorBody(invalid.error));
      }
      // A store failure that is not one of our coded answers is told as any 500 is: only the
      // request id its log line carries (errors.ts), never its text.
      if (res.error?.code === 'INTERNAL') {
        req.log.error({ batchError: res.error }, 'batch transaction failed internally');
        res.error = { ...res.error, message: internalMessage(req.id) };
      }
      return res;
    },
  );

  app.post<{ Params: { topic: string; txn: string }; Querystring: Query }>(
    '/v1/topics/:topic/txns/:txn/invalidate',
    async (req) => {
      const topic = topicParam(req.params);
      const txn = txnParam(req.params);
      const body = jsonBody(req, 'with a "reason"');
      if (body.by !== undefined) throw byNotAccepted('by');
      const reason = validateReason(body.reason);
      const res = await store.invalidate(topic, txn, reason, { by: callerName(req) });
      metrics.recordInvalidate(res);
      return res;
    },
  );

  app.post<{ Params: { topic: string; txn: string }; Querystring: Query }>(
    '/v1/topics/:topic/txns/:txn/republish',
    async (req) => {
      const topic = topicParam(req.params);
      const txn = txnParam(req.params);
      const body = req.body === undefined ? {} : jsonBody(req, 'with an optional "note" and "expectMaxSeq"');
      if (body.by !== undefined) throw byNotAccepted('by');
      const opts: RepublishOptions = { by: callerName(req) };
      for (const [k, v] of Object.entries(body)) {
        if (k === 'note') opts.note = validateNote(v);
        else if (k === 'expectMaxSeq') opts.expectMaxSeq = validateNonNegativeInt(v, 'expectMaxSeq');
        else throw badRequest(`${k}: unknown field (a re-publish takes "note" and "expectMaxSeq")`);
      }
      const res = await services.republish(topic, txn, opts);
      metrics.recordRepublish(res);
      return res;
    },
  );

  app.post('/v1/sample', async () => {
    return services.loadSample({
      appended: (r) => metrics.recordAppend(r),
      invalidated: (r) => metrics.recordInvalidate(r),
    });
  });
}
