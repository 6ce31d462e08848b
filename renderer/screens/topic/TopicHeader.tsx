/**
 * The head of a topic: its name and counters (events, keys, transactions, invalid ones, last
 * write), refreshed by the queries a write or live event invalidates.
 */
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useApi } from '../../api/api-context';
import { toApiError } from '../../api/errors';
import { fmtAge, fmtNum, fmtTime } from '../../lib/format';
import { topicInfoQuery } from '../../queries/topics';

export function TopicHeader({ topic }: { topic: string }): ReactNode {
  const api = useApi();
  const info = useQuery(topicInfoQuery(api, topic));
  return (
    <div className="topic-head">
      <h1>
        <a href="#/topics" className="crumb">
          Topics
        </a>{' '}
        / <span className="mono">{topic}</span>
      </h1>
      {info.data ? (
        <dl className="counters" aria-label="Topic counters">
          <div>
            <dt>Events</dt>
            <dd>{fmtNum(info.data.events)}</dd>
          </div>
          <div>
            <dt>Keys</dt>
            <dd>{fmtNum(info.data.keys)}</dd>
          </div>
          <div>
            <dt>Transactions</dt>
            <dd>{fmtNum(info.data.maxTxn)}</dd>
          </div>
          <div>
            <dt>Invalid</dt>
            <dd>{fmtNum(info.data.invalidTxns)}</dd>
          </div>
          <div>
            <dt>Last write</dt>
            <dd title={fmtTime(info.data.lastTime)}>{fmtAge(info.data.lastTime)}</dd>
          </div>
        </dl>
      ) : info.error ? (
        <p className="muted" role="status">
          {toApiError(info.error).code === 'NOT_FOUND'
            ? 'This topic has no events yet — or the name is mistyped. Its views fill in as soon as it is written to.'
            : `Counters unavailable: ${info.error.message}`}
        </p>
      ) : null}
    </div>
  );
}
