/**
 * Read routes of API.md: topics, one topic's counters, pages of events, transactions and the
 * surface. Each query becomes the store's option object through the schema that declared it
 * (query-schema.ts `optionsFromQuery`, messages naming the parameter); the store checks ranges
 * again. Each route declares its operation (all need the `read` role, see
 * model/access.ts). Pages of events, transactions and the surface announce their `next` cursor
 * in the `Tidemark-Next` header too (wire/pages.ts: clients ask for the page after at once).
 */
import type { FastifyInstance } from 'fastify';
import { badRequest } from '../../model/errors';
import {
  listTxnsOptionsSchema,
  readEventsOptionsSchema,
  surfaceOptionsSchema,
  timelineOptionsSchema,
} from '../../model/options';
import {
  type EventTextPage,
  type SurfaceTextPage,
  writeEventPage,
  writeSurfacePage,
  writeTxnDetail,
} from '../../model/stored-json';
import type { ListTxnsOptions } from '../../model/types';
import { textReadsOf } from '../../store/text-reads';
import type { RouteContext } from '../context';
import { JsonBytes } from '../json-bytes';
import { type Query, topicParam, txnParam } from '../params';
import { optionsFromQuery } from '../query-schema';
import { NEXT_HEADER, nextHeaderValue } from '../../wire/pages';

interface TopicParams {
  Params: { topic: string };
  Querystring: Query;
}
interface TxnParams {
  Params: { topic: string; txn: string };
  Querystring: Query;
}

/** `after` goes with ascending pages and `before` with descending ones. */
function checkPageOrder<O extends ListTxnsOptions>(o: O): O {
  if (o.order === 'desc' && o.after !== undefined) throw badRequest('after: not allowed with order=desc (use before)');
  if (o.order !== 'desc' && o.before !== undefined)
    throw badRequest('before: only allowed with order=desc (use after)');
  return o;
}

/** The content type the reply serializer gives JSON answers; pages written as text carry the same. */
const JSON_TYPE = 'application/json; charset=utf-8';

/** A page is built in bytes, starting from the size of the app's last page (`guess`) up to this. */
const PAGE_GUESS_MAX = 4 * 1024 * 1024;

/** A page's JSON as bytes, from the stored data text (model/stored-json.ts, server/json-bytes.ts). */
function pageBytes<P>(page: P, write: (page: P, sink: JsonBytes) => void, guess: { bytes: number }): Buffer {
  const body = new JsonBytes(guess.bytes);
  write(page, body);
  const bytes = body.bytes();
  guess.bytes = Math.min(Math.max(bytes.length + 1024, 1024), PAGE_GUESS_MAX);
  return bytes;
}

export function registerReadRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { store } = ctx;
  // The size of this app's last page, the next one's first guess (pages of one reader are alike).
  const guess = { bytes: 64 * 1024 };
  // Pages of events and of the surface are written from the data text the backend stores, when it
  // can give it, byte for byte what serialising the parsed page would write (model/stored-json.ts).
  const text = textReadsOf(store);

  app.get('/v1/topics', async () => {
    return { topics: await store.listTopics() };
  });

  app.get<TopicParams>('/v1/topics/:topic', async (req) => {
    const topic = topicParam(req.params);
    return store.topicInfo(topic);
  });

  app.get<TopicParams>('/v1/topics/:topic/events', async (req, reply) => {
    const topic = topicParam(req.params);
    const opts = checkPageOrder(optionsFromQuery(readEventsOptionsSchema, req.query));
    if (text === null) {
      const page = await store.readEvents(topic, opts);
      void reply.header(NEXT_HEADER, nextHeaderValue(page.next));
      return page;
    }
    const page: EventTextPage = await text.readEventsText(topic, opts);
    return reply
      .header('content-type', JSON_TYPE)
      .header(NEXT_HEADER, nextHeaderValue(page.next))
      .send(pageBytes(page, writeEventPage, guess));
  });

  app.get<TopicParams>('/v1/topics/:topic/txns', async (req, reply) => {
    const topic = topicParam(req.params);
    const page = await store.listTxns(topic, checkPageOrder(optionsFromQuery(listTxnsOptionsSchema, req.query)));
    void reply.header(NEXT_HEADER, nextHeaderValue(page.next));
    return page;
  });

  app.get<TxnParams>('/v1/topics/:topic/txns/:txn', async (req, reply) => {
    const topic = topicParam(req.params);
    const txn = txnParam(req.params);
    if (text === null) return store.getTxn(topic, txn);
    const detail = await text.getTxnText(topic, txn);
    return reply.header('content-type', JSON_TYPE).send(pageBytes(detail, writeTxnDetail, guess));
  });

  app.get<TopicParams>('/v1/topics/:topic/timeline', async (req) => {
    const topic = topicParam(req.params);
    return store.timeline(topic, optionsFromQuery(timelineOptionsSchema, req.query));
  });

  app.get<TopicParams>('/v1/topics/:topic/surface', async (req, reply) => {
    const topic = topicParam(req.params);
    const opts = optionsFromQuery(surfaceOptionsSchema, req.query);
    if (text === null) {
      const page = await store.surface(topic, opts);
      void reply.header(NEXT_HEADER, nextHeaderValue(page.next));
      return page;
    }
    const page: SurfaceTextPage = await text.surfaceText(topic, opts);
    return reply
      .header('content-type', JSON_TYPE)
      .header(NEXT_HEADER, nextHeaderValue(page.next))
      .send(pageBytes(page, writeSurfacePage, guess));
  });
}
