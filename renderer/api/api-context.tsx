/**
 * React context carrying the chosen StoreApi, so components and query factories never reach for
 * a global.
 */
import { createContext, useContext, type ReactNode } from 'react';
import type { StoreApi } from '../../src-core/model/store-api';

const ApiContext = createContext<StoreApi | null>(null);

export function ApiProvider({ api, children }: { api: StoreApi; children: ReactNode }): ReactNode {
  return <ApiContext.Provider value={api}>{children}</ApiContext.Provider>;
}

export function useApi(): StoreApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside ApiProvider');
  return api;
}
