/**
 * The app shell: header, the screen for the current route (each in its own error boundary), the
 * status bar, and the Ctrl/Cmd+K command palette. With no open connection, the Connections
 * screen is shown whatever the route.
 */
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { useApi } from './api/api-context';
import { CommandPalette } from './components/CommandPalette';
import { ErrorBoundary } from './components/ErrorBoundary';
import { ErrorNotice } from './components/ErrorNotice';
import { Header } from './components/Header';
import { StatusBar } from './components/StatusBar';
import { useRoute } from './lib/route';
import { currentConnectionQuery } from './queries/connection';
import { ConnectionsScreen } from './screens/connections/ConnectionsScreen';
import { TopicListScreen } from './screens/topics/TopicListScreen';
import { TopicScreen } from './screens/topic/TopicScreen';

export function App(): ReactNode {
  const api = useApi();
  const route = useRoute();
  const conn = useQuery(currentConnectionQuery(api));
  const [palette, setPalette] = useState(false);
  const connected = !!conn.data;

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        if (connected) setPalette(true);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [connected]);

  let screen: ReactNode;
  if (conn.isPending) screen = <p className="screen muted">Connecting…</p>;
  else if (conn.error)
    screen = (
      <main className="screen">
        <ErrorNotice title="Could not reach the store" error={conn.error} onRetry={() => void conn.refetch()} />
        <ConnectionsScreen />
      </main>
    );
  else if (!connected || route.screen === 'connections') screen = <ConnectionsScreen />;
  else if (route.screen === 'topic') screen = <TopicScreen topic={route.topic} tab={route.tab} txn={route.txn} />;
  else screen = <TopicListScreen />;

  const where = route.screen === 'topic' ? `${route.screen}/${route.topic}` : route.screen;
  return (
    <div className="app" style={{ borderTopColor: conn.data?.color ?? undefined }}>
      <Header route={route} connected={connected} onPalette={() => setPalette(true)} />
      <ErrorBoundary where={route.screen === 'topic' ? 'topic screen' : `${route.screen} screen`} resetKey={where}>
        {screen}
      </ErrorBoundary>
      <StatusBar conn={conn.data ?? null} />
      {palette && <CommandPalette onClose={() => setPalette(false)} />}
    </div>
  );
}
