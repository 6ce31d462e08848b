/**
 * The head of a topic: its name and counters (events, keys, transactions, invalid ones, last
 * write), refreshed by the queries a write or live event invalidates; and the topic's Verify
 * action (VerifyPanel.tsx).
 */
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import type { TopicInfo } from '../../../src-core/model/types';
import { useApi } from '../../api/api-context';
import { toApiError } from '../../api/errors';
import { fmtAge, fmtNum, fmtTime } from '../../lib/format';
import { topicInfoQuery } from '../../queries/topics';
import { VerifyPanel } from './VerifyPanel';

function counters(t: TopicInfo): [string, ReactNode][] {
  return [
    ['Events', fmtNum(t.events)],
    ['Keys', fmtNum(t.keys)],
    ['Transactions', fmtNum(t.maxTxn)],
    ['Invalid', fmtNum(t.invalidTxns)],
    ['Last write', <span title={fmtTime(t.lastTime)}>{fmtAge(t.lastTime)}</span>],
  ];
}

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
          {counters(info.data).map(([name, value]) => (
            <div key={name}>
              <dt>{name}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      ) : info.error ? (
        <p className="muted" role="status">
          {toApiError(info.error).code === 'NOT_FOUND'
            ? 'This topic has no events yet — or the name is mistyped. Its views fill in as soon as it is written to.'
            : `Counters unavailable: ${info.error.message}`}
        </p>
      ) : null}
      {info.data && <VerifyPanel key={topic} topic={topic} />}
    </div>
  );
}
