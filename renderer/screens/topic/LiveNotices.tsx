/**
 * What the Events tab says about its live tail: why it could not start (the lookup of the topic's
 * newest seq failed; Retry looks it up again), why it stopped, and when more events arrived than
 * the live rows keep (`LIVE_LIMIT`): how many are not shown, with "Reload events".
 */
import { useQueryClient, type UseQueryResult } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice';
import { fmtNum } from '../../lib/format';
import { LIVE_LIMIT, reloadLive, type LiveRows } from '../../queries/live';

/** The toolbar's status text of the tail. */
export function liveStatus(on: boolean, live: UseQueryResult<LiveRows>): string {
  if (!on || live.isError) return '';
  return live.data ? `Live — ${fmtNum(live.data.received)} new` : 'Live — starting…';
}

interface Props {
  topic: string;
  on: boolean;
  live: UseQueryResult<LiveRows>;
}

export function LiveNotices({ topic, on, live }: Props): ReactNode {
  const qc = useQueryClient();
  const [reloading, setReloading] = useState(false);
  const rows = live.data;
  const reload = (): void => {
    setReloading(true);
    void reloadLive(qc, topic).finally(() => setReloading(false));
  };
  return (
    <>
      {on && live.error && (
        <ErrorNotice title="The live tail could not start" error={live.error} onRetry={() => void live.refetch()} />
      )}
      {on && rows?.error && <ErrorNotice title="The live tail stopped" error={rows.error} />}
      {rows && rows.dropped > 0 && (
        <p className="notice" role="status">
          {fmtNum(rows.dropped)} live event{rows.dropped === 1 ? '' : 's'} older than the newest {fmtNum(LIVE_LIMIT)}{' '}
          {rows.dropped === 1 ? 'is' : 'are'} not shown.{' '}
          <button type="button" className="small" disabled={reloading} onClick={reload}>
            {reloading ? 'Reloading…' : 'Reload events'}
          </button>
        </p>
      )}
    </>
  );
}
