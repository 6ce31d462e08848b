/**
 * Read routes of API.md: topics, one topic's counters, pages of events, transactions and the
 * surface. Query parameters are checked in params.ts (messages name the parameter); the store
 * checks ranges again. Each route declares its operation (all need the `read` role, see
 * model/access.ts).
 */
import type { FastifyInstance } from 'fastify';
import { badRequest } from '../../model/errors';
import type { ListTxnsOptions, ReadEventsOptions, SurfaceOptions } from '../../model/types';
import type { RouteContext } from '../context';
import {
  type Query,
  defined,
  intParam,
  limitParam,
  orderParam,
  stringParam,
  topicParam,
  txnParam,
  viewParam,
} from '../params';

interface TopicParams {
  Params: { topic: string };
  Querystring: Query;
}
interface TxnParams {
  Params: { topic: string; txn: string };
  Querystring: Query;
}

/** `after`/`before`/`limit`/`order` of the log and transaction pages. */
function pageQuery(q: Query): ListTxnsOptions {
  const order = orderParam(q);
  const after = intParam(q, 'after');
  const before = intParam(q, 'before');
  if (order === 'desc' && after !== undefined) throw badRequest('after: not allowed with order=desc (use before)');
  if (order !== 'desc' && before !== undefined) throw badRequest('before: only allowed with order=desc (use after)');
  return defined({ order, after, before, limit: limitParam(q) });
}

export function surfaceQuery(q: Query): SurfaceOptions {
  return defined({
    after: stringParam(q, 'after'),
    limit: limitParam(q),
    prefix: stringParam(q, 'prefix', undefined, true),
    view: viewParam(q),
    asOfTxn: intParam(q, 'asOfTxn'),
  });
}

export function registerReadRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { store } = ctx;

  app.get('/v1/topics', async () => {
    return { topics: await store.listTopics() };
  });

  app.get<TopicParams>('/v1/topics/:topic', async (req) => {
    const topic = topicParam(req.params);
    return store.topicInfo(topic);
  });

  app.get<TopicParams>('/v1/topics/:topic/events', async (req) => {
    const topic = topicParam(req.params);
    const opts: ReadEventsOptions = {
      ...pageQuery(req.query),
      ...defined({ key: stringParam(req.query, 'key'), txn: intParam(req.query, 'txn', 1) }),
    };
    return store.readEvents(topic, opts);
  });

  app.get<TopicParams>('/v1/topics/:topic/txns', async (req) => {
    const topic = topicParam(req.params);
    return store.listTxns(topic, pageQuery(req.query));
  });

  app.get<TxnParams>('/v1/topics/:topic/txns/:txn', async (req) => {
    const topic = topicParam(req.params);
    const txn = txnParam(req.params);
    return store.getTxn(topic, txn);
  });

  app.get<TopicParams>('/v1/topics/:topic/surface', async (req) => {
    const topic = topicParam(req.params);
    return store.surface(topic, surfaceQuery(req.query));
  });
}
