/**
 * One transaction brought into focus (from a diff row or a detail panel): its range, status and
 * first events, with its own "Invalidate" button (or "Re-publish" once it is invalidated).
 */
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useApi } from '../../api/api-context';
import { ErrorNotice } from '../../components/ErrorNotice';
import { useAccess } from '../../components/use-access';
import { fmtNum, fmtTime, jsonPreview } from '../../lib/format';
import { navigate } from '../../lib/route';
import { txnQuery } from '../../queries/txns';
import { TxnStatus } from './TxnStatus';

interface Props {
  topic: string;
  txn: number;
  onInvalidate: (txn: number) => void;
  onRepublish: (txn: number) => void;
}

export function FocusedTxn({ topic, txn, onInvalidate, onRepublish }: Props): ReactNode {
  const api = useApi();
  const access = useAccess();
  const q = useQuery(txnQuery(api, topic, txn));
  const close = (): void => navigate({ screen: 'topic', topic, tab: 'txns' });
  if (q.error) return <ErrorNotice title={`Transaction ${txn} could not be loaded`} error={q.error} onRetry={close} />;
  if (!q.data) return <p className="muted">Loading transaction {txn}…</p>;
  const t = q.data;
  return (
    <section className="card focused-txn" aria-label={`Transaction ${txn}`}>
      <header className="row">
        <h2>Transaction {txn}</h2>
        <TxnStatus t={t} />
        <span className="spacer" />
        {!t.marker && t.invalidatedBy === null && (
          <button
            type="button"
            className="danger"
            disabled={!access.canInvalidate}
            title={access.why ?? undefined}
            onClick={() => onInvalidate(txn)}
          >
            Invalidate
          </button>
        )}
        {!t.marker && t.invalidatedBy !== null && access.canRepublish && (
          <button type="button" onClick={() => onRepublish(txn)}>
            Re-publish
          </button>
        )}
        <button type="button" onClick={close}>
          Show all transactions
        </button>
      </header>
      <p className="muted">
        Seq {fmtNum(t.firstSeq)}–{fmtNum(t.lastSeq)} · {fmtNum(t.count)} event{t.count === 1 ? '' : 's'} ·{' '}
        {fmtTime(t.time)}
      </p>
      <ul className="txn-events" aria-label={`Events of transaction ${txn}`}>
        {t.events.slice(0, 20).map((e) => (
          <li key={e.seq} className="mono">
            {e.key}: {e.type === 'invalidate' ? `invalidates ${e.target}` : jsonPreview(e.data, 120)}
          </li>
        ))}
        {t.events.length > 20 && (
          <li className="muted">… and {fmtNum(t.events.length - 20)} more (see Events, filter by txn)</li>
        )}
      </ul>
    </section>
  );
}
