/**
 * "Load sample data": writes the demo topic through StoreApi.loadSampleData and opens it.
 * Disabled on a read-only connection or a read-role token.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useApi } from '../../api/api-context';
import { ErrorNotice } from '../../components/ErrorNotice';
import { useAccess } from '../../components/use-access';
import { afterWrite } from '../../queries/invalidate';
import { navigate } from '../../lib/route';

export function LoadSampleButton(): ReactNode {
  const api = useApi();
  const qc = useQueryClient();
  const access = useAccess();
  const load = useMutation({
    mutationFn: () => api.loadSampleData(),
    onSuccess: async ({ topic }) => {
      await afterWrite(qc, topic);
      navigate({ screen: 'topic', topic, tab: 'events' });
    },
  });
  return (
    <div className="sample">
      <button
        type="button"
        className="primary"
        disabled={!access.canWrite || load.isPending}
        title={access.canWrite ? undefined : (access.why ?? undefined)}
        onClick={() => load.mutate()}
      >
        {load.isPending ? 'Loading sample data…' : 'Load sample data'}
      </button>
      {!access.canWrite && <p className="muted">{access.why}: sample data cannot be written.</p>}
      {load.error && <ErrorNotice title="Sample data could not be loaded" error={load.error} />}
    </div>
  );
}
