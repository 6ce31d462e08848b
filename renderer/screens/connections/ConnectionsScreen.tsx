/**
 * The Connections screen: the open connection and its marks, open/create a local file (desktop
 * only), connect to a server, recent connections, and the app's settings (the writer name).
 */
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useApi } from '../../api/api-context';
import { capabilitiesQuery, currentConnectionQuery } from '../../queries/connection';
import { ConnectForm } from './ConnectForm';
import { CurrentConnection } from './CurrentConnection';
import { OpenFile } from './OpenFile';
import { RecentList } from './RecentList';
import { SettingsSection } from './SettingsSection';

export function ConnectionsScreen(): ReactNode {
  const api = useApi();
  const caps = useQuery(capabilitiesQuery(api));
  const current = useQuery(currentConnectionQuery(api));
  const conn = current.data ?? null;
  return (
    <main className="screen connections" aria-labelledby="connections-title">
      <h1 id="connections-title">Connections</h1>
      {conn && <CurrentConnection conn={conn} />}
      {caps.data?.canOpenFiles && <OpenFile />}
      <ConnectForm canConnect={caps.data?.canConnect ?? false} needsToken={!conn && current.isSuccess} />
      <RecentList currentId={conn?.id ?? null} />
      {conn && <SettingsSection />}
    </main>
  );
}
