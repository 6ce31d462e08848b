/**
 * Mutations that change which store is open (open a file, connect, reconnect) or how the current
 * connection is marked (read-only, colour, label), with their cache effects: a new store drops
 * every cached topic query; a patch only refreshes the connection queries. A switch goes on to the
 * topics list only if the person is still where they asked for it (route.ts `routeAfterConnect`).
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ConnectionInfo, ConnectionPatch } from '../../../src-core/model/store-api';
import { useApi } from '../../api/api-context';
import { patchConnection } from '../../api/connection-patch';
import { forgetStoreData } from '../../queries/invalidate';
import { keys } from '../../queries/keys';
import { navigate, routeAfterConnect } from '../../lib/route';

export function useSwitchConnection<A>(fn: (arg: A) => Promise<ConnectionInfo | null>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onMutate: () => ({ hashAtPress: window.location.hash }),
    onSuccess: async (conn, _arg, ctx) => {
      if (!conn) return;
      forgetStoreData(qc);
      qc.setQueryData(keys.current(), conn);
      await qc.invalidateQueries({ queryKey: keys.recent() });
      const next = routeAfterConnect(ctx.hashAtPress, window.location.hash);
      if (next) navigate(next);
    },
  });
}

/**
 * Marks the current connection (read-only, colour, label). Optimistic: the current connection in
 * the cache takes the patch at once (so write controls are disabled before the round trip ends);
 * if the update fails, it is put back and the mutation's error is shown where the change was made.
 */
export function useUpdateConnection() {
  const api = useApi();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: ConnectionPatch }) => api.updateConnection(id, patch),
    onMutate: async ({ id, patch }) => {
      await qc.cancelQueries({ queryKey: keys.current() });
      const before = qc.getQueryData<ConnectionInfo | null>(keys.current());
      if (before?.id !== id) return { before: undefined };
      qc.setQueryData(keys.current(), patchConnection(before, patch));
      return { before };
    },
    onError: (_err, _vars, ctx) => {
      if (ctx?.before) qc.setQueryData(keys.current(), ctx.before);
    },
    onSuccess: async (conn) => {
      const cur = qc.getQueryData<ConnectionInfo | null>(keys.current());
      if (cur?.id === conn.id) qc.setQueryData(keys.current(), conn);
      await qc.invalidateQueries({ queryKey: keys.recent() });
    },
  });
}

export function useForgetConnection() {
  const api = useApi();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.forgetConnection(id),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: keys.connection });
    },
  });
}

export const COLOURS: readonly { name: string; value: string | null }[] = [
  { name: 'None', value: null },
  { name: 'Red (production)', value: '#d64545' },
  { name: 'Orange', value: '#e08a1e' },
  { name: 'Green', value: '#2f9e5b' },
  { name: 'Blue', value: '#3a7bd5' },
  { name: 'Purple', value: '#8a56c7' },
];
