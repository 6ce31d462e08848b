/**
 * The table columns that several topic views share, one definition each: seq, txn, key and commit
 * time (UTC) of a stored record (an event, a surface row, a transaction).
 */
import type { ReactNode } from 'react';
import type { Column } from '../../components/VirtualTable';
import { fmtTime } from '../../lib/format';

const column = <T,>(
  id: string,
  header: string,
  width: string,
  className: string,
  render: (row: T) => ReactNode,
): Column<T> => ({ id, header, width, className, render });

export const seqColumn = <T extends { seq: number }>(): Column<T> => column('seq', 'Seq', '6rem', 'num', (r) => r.seq);

export const txnColumn = <T extends { txn: number }>(width = '5rem'): Column<T> =>
  column('txn', 'Txn', width, 'num', (r) => r.txn);

export const keyColumn = <T extends { key: string }>(): Column<T> =>
  column('key', 'Key', 'minmax(8rem, 1.2fr)', 'mono', (r) => r.key);

export const timeColumn = <T extends { time: string | null }>(): Column<T> =>
  column('time', 'Time (UTC)', '12.5rem', 'mono', (r) => fmtTime(r.time));
