/**
 * `findTopic`: a topic's counters, or null when the topic does not exist yet. The one place the
 * "no such topic is not an error here" rule lives for callers that start from a topic's end (live
 * tail, subscribe), size a job (diff progress) or write a topic only once (sample data). Any other
 * error is thrown.
 */
import { hasErrorCode } from '../model/errors';
import type { TopicInfo } from '../model/types';
import type { EventStore } from './types';

export async function findTopic(store: Pick<EventStore, 'topicInfo'>, topic: string): Promise<TopicInfo | null> {
  try {
    return await store.topicInfo(topic);
  } catch (err) {
    if (hasErrorCode(err) && err.code === 'NOT_FOUND') return null;
    throw err;
  }
}
