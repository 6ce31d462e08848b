/**
 * Query factories for the connection: capabilities, the current connection and recent ones.
 */
import { queryOptions } from '@tanstack/react-query';
import type { StoreApi } from '../../src-core/model/store-api';
import { keys } from './keys';

export const capabilitiesQuery = (api: StoreApi) =>
  queryOptions({ queryKey: keys.capabilities(), queryFn: () => api.capabilities(), staleTime: Infinity });

export const currentConnectionQuery = (api: StoreApi) =>
  queryOptions({ queryKey: keys.current(), queryFn: () => api.currentConnection(), staleTime: Infinity, retry: false });

export const recentConnectionsQuery = (api: StoreApi) =>
  queryOptions({ queryKey: keys.recent(), queryFn: () => api.recentConnections(), staleTime: Infinity });
