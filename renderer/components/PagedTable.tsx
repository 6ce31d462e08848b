/**
 * A paged list's table (`VirtualTable`), or in its place the error that stopped the list loading,
 * with Retry. Spread `usePagedRows(...).paging` into it: that carries the paging props, the
 * query's error and its retry.
 */
import type { ReactNode } from 'react';
import { ErrorNotice } from './ErrorNotice';
import { VirtualTable, type VirtualTableProps } from './VirtualTable';

interface Props<T> extends VirtualTableProps<T> {
  /** What the notice says when loading failed; by default "<label> could not be loaded". */
  errorTitle?: string;
  error: unknown;
  onRetry: () => void;
}

export function PagedTable<T>({ errorTitle, error, onRetry, ...table }: Props<T>): ReactNode {
  if (error) {
    return <ErrorNotice title={errorTitle ?? `${table.label} could not be loaded`} error={error} onRetry={onRetry} />;
  }
  return <VirtualTable {...table} />;
}
