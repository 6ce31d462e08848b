/**
 * The topic list: every topic with its event count, key count, invalid transactions and last
 * write; "Filter topics" narrows it; Enter or a click opens a topic. With no topics, offers
 * "Load sample data". "Compare with…" compares every topic with another connection (CompareDialog).
 */
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState, type ReactNode } from 'react';
import type { TopicInfo } from '../../../src-core/model/types';
import { useApi } from '../../api/api-context';
import { ErrorNotice } from '../../components/ErrorNotice';
import { SearchBox } from '../../components/SearchBox';
import { VirtualTable, type Column } from '../../components/VirtualTable';
import { fmtAge, fmtNum, fmtTime } from '../../lib/format';
import { navigate } from '../../lib/route';
import { topicsQuery } from '../../queries/topics';
import { CompareDialog } from './CompareDialog';
import { LoadSampleButton } from './LoadSampleButton';

const open = (t: TopicInfo): void => navigate({ screen: 'topic', topic: t.topic, tab: 'events' });

const COLUMNS: Column<TopicInfo>[] = [
  {
    id: 'topic',
    header: 'Topic',
    width: 'minmax(12rem, 3fr)',
    render: (t) => (
      <a
        href={`#/topic/${encodeURIComponent(t.topic)}/events`}
        onClick={(e) => e.stopPropagation()}
        className="topic-link"
      >
        {t.topic}
      </a>
    ),
  },
  { id: 'events', header: 'Events', width: '8rem', className: 'num', render: (t) => fmtNum(t.events) },
  { id: 'keys', header: 'Keys', width: '8rem', className: 'num', render: (t) => fmtNum(t.keys) },
  { id: 'txns', header: 'Transactions', width: '8rem', className: 'num', render: (t) => fmtNum(t.maxTxn) },
  {
    id: 'invalid',
    header: 'Invalid txns',
    width: '7rem',
    className: 'num',
    render: (t) => (t.invalidTxns > 0 ? <span className="badge badge-warn">{fmtNum(t.invalidTxns)}</span> : '0'),
  },
  {
    id: 'last',
    header: 'Last write',
    width: '10rem',
    render: (t) => <span title={fmtTime(t.lastTime)}>{fmtAge(t.lastTime)}</span>,
  },
];

export function TopicListScreen(): ReactNode {
  const api = useApi();
  const topics = useQuery(topicsQuery(api));
  const [filter, setFilter] = useState('');
  const [comparing, setComparing] = useState(false);
  const rows = useMemo(() => {
    const q = filter.trim().toLowerCase();
    return (topics.data ?? []).filter((t) => t.topic.toLowerCase().includes(q));
  }, [topics.data, filter]);

  return (
    <main className="screen topics" aria-labelledby="topics-title">
      <div className="screen-head">
        <h1 id="topics-title">Topics</h1>
        <SearchBox label="Filter topics" placeholder="Filter topics…" value={filter} onChange={setFilter} />
        <span className="muted">
          {topics.data ? `${fmtNum(rows.length)} of ${fmtNum(topics.data.length)}` : ''} · Ctrl+K to jump
        </span>
        {/* integrity: compare this connection's logs with another's */}
        <button type="button" onClick={() => setComparing(true)}>
          Compare with…
        </button>
      </div>
      {comparing && <CompareDialog onClose={() => setComparing(false)} />}
      {topics.error ? (
        <ErrorNotice title="Topics could not be loaded" error={topics.error} onRetry={() => void topics.refetch()} />
      ) : topics.isPending ? (
        <p className="muted">Loading topics…</p>
      ) : topics.data.length === 0 ? (
        <section className="empty-state">
          <h2>This store has no topics yet</h2>
          <p>Write events with the CLI or the HTTP API, or load a demo topic to look around.</p>
          <LoadSampleButton />
        </section>
      ) : (
        <VirtualTable
          label="Topics"
          rows={rows}
          columns={COLUMNS}
          rowKey={(t) => t.topic}
          onActivate={open}
          empty="No topic matches the filter."
        />
      )}
    </main>
  );
}
