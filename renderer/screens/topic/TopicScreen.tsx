/**
 * One topic: its counters and the tabs "Overview" (first: the chart of its transactions over
 * time), "Events", "Transactions", "Surface", "Diff" (ARIA tabs,
 * the selected tab in the URL). Each tab has its own error boundary. The Diff tab stays mounted
 * once opened, so its result survives a trip to the Transactions tab and back.
 */
import { useState, type ReactNode } from 'react';
import { ErrorBoundary } from '../../components/ErrorBoundary';
import { Tabs, type TabDef } from '../../components/Tabs';
import { navigate, type TopicTab } from '../../lib/route';
import { DiffTab } from '../diff/DiffTab';
import { EventsTab } from './EventsTab';
import { OverviewTab } from './OverviewTab';
import { SurfaceTab } from './SurfaceTab';
import { TopicHeader } from './TopicHeader';
import { TxnsTab } from './TxnsTab';

const TABS: readonly TabDef<TopicTab>[] = [
  { id: 'overview', label: 'Overview' },
  { id: 'events', label: 'Events' },
  { id: 'txns', label: 'Transactions' },
  { id: 'surface', label: 'Surface' },
  { id: 'diff', label: 'Diff' },
];

export function TopicScreen({ topic, tab, txn }: { topic: string; tab: TopicTab; txn?: number }): ReactNode {
  const [diffOpened, setDiffOpened] = useState<string | null>(tab === 'diff' ? topic : null);
  if (tab === 'diff' && diffOpened !== topic) setDiffOpened(topic);
  return (
    <main className="screen topic" aria-label={`Topic ${topic}`}>
      <TopicHeader topic={topic} />
      <Tabs
        label="Topic views"
        idPrefix="topic"
        tabs={TABS}
        selected={tab}
        onSelect={(t) => navigate({ screen: 'topic', topic, tab: t })}
      >
        <ErrorBoundary where={`${tab} tab`} resetKey={`${topic}/${tab}`}>
          {tab === 'overview' && <OverviewTab key={topic} topic={topic} />}
          {tab === 'events' && <EventsTab key={topic} topic={topic} />}
          {tab === 'txns' && <TxnsTab key={topic} topic={topic} focus={txn} />}
          {tab === 'surface' && <SurfaceTab key={topic} topic={topic} />}
        </ErrorBoundary>
        {diffOpened === topic && (
          <div hidden={tab !== 'diff'} className="tab-fill">
            <ErrorBoundary where="diff tab" resetKey={topic}>
              <DiffTab key={topic} topic={topic} />
            </ErrorBoundary>
          </div>
        )}
      </Tabs>
    </main>
  );
}
