/**
 * The re-publish dialog of an invalidated transaction: how a mistaken invalidation is undone
 * without deleting anything (src-core/services/republish.ts). First the impact preview, the same
 * table as Invalidate's (each key's surface value now → after); then the keys left alone and why
 * (changed by a later transaction, or already showing that value). An optional note goes to
 * `meta.note` beside `meta.republishOf`. The write is guarded by the state the preview was computed
 * on: if the topic moved on meanwhile the store refuses (409) and "Preview again" shows the new
 * impact. On success the Transactions tab opens the new transaction.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import type { RepublishSkipRow } from '../../../src-core/model/store-api';
import { useApi } from '../../api/api-context';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Modal } from '../../components/Modal';
import { NoteField, noteProblem } from '../../components/NoteField';
import { useAccess } from '../../components/use-access';
import { fmtNum, jsonPreview } from '../../lib/format';
import { navigate } from '../../lib/route';
import { afterWrite } from '../../queries/invalidate';
import { republishPreviewQuery } from '../../queries/txns';
import { ImpactSection, ImpactTable } from './ImpactTable';

interface Props {
  topic: string;
  txn: number;
  onClose: () => void;
}

function why(r: RepublishSkipRow): string {
  if (r.reason === 'changedLater') return `changed later by txn ${r.current?.txn ?? '?'}; left alone`;
  return r.current ? 'already shows this value' : 'already absent';
}

export function RepublishDialog({ topic, txn, onClose }: Props): ReactNode {
  const api = useApi();
  const qc = useQueryClient();
  const access = useAccess();
  const preview = useQuery(republishPreviewQuery(api, topic, txn));
  const [note, setNote] = useState('');
  const noteText = note.trim();
  const noteError = noteProblem(note);
  const mutation = useMutation({
    mutationFn: (expectMaxSeq: number) =>
      api.republish(topic, txn, { expectMaxSeq, ...(noteText === '' ? {} : { note: noteText }) }),
    onSuccess: async (res) => {
      onClose();
      await afterWrite(qc, topic);
      if (res.txn !== null) navigate({ screen: 'topic', topic, tab: 'txns', txn: res.txn });
    },
  });
  const p = preview.data;
  const stale = (mutation.error as { code?: string } | null)?.code === 'CONFLICT';
  const ready =
    p !== undefined && p.writes > 0 && noteError === null && access.canRepublish && !mutation.isPending && !stale;

  return (
    <Modal title={`Re-publish transaction ${txn}`} onClose={onClose} className="republish-dialog">
      <p>
        Re-publishing writes the events of invalidated transaction {txn} of <strong>{topic}</strong> again, as a new
        transaction (its meta names txn {txn} as <code>republishOf</code>), for each key whose current value is older
        than it. Keys changed by later transactions are left alone. Nothing is deleted.
      </p>
      <ImpactSection preview={preview} failTitle="The re-publish could not be previewed">
        {(p) => (
          <>
            <p role="status">
              {fmtNum(p.keysTouched)} key{p.keysTouched === 1 ? '' : 's'} in the transaction;{' '}
              {p.writes === 0 ? 'nothing to re-publish.' : `${fmtNum(p.writes)} would be written again:`}
            </p>
            {p.rows.length > 0 && <ImpactTable rows={p.rows} />}
            {p.skips > 0 && (
              <>
                <h3>Left alone</h3>
                <table className="impact skipped" aria-label="Skipped keys">
                  <thead>
                    <tr>
                      <th>Key</th>
                      <th>Now</th>
                      <th>Why</th>
                    </tr>
                  </thead>
                  <tbody>
                    {p.skipped.map((r) => (
                      <tr key={r.key}>
                        <td className="mono">{r.key}</td>
                        <td className="mono">{r.current ? jsonPreview(r.current.data, 60) : '— absent'}</td>
                        <td>{why(r)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </>
            )}
            {p.truncated && (
              <p className="muted">
                Only the first {fmtNum(Math.max(p.rows.length, p.skipped.length))} of each are shown ({fmtNum(p.writes)}{' '}
                written, {fmtNum(p.skips)} left alone).
              </p>
            )}
          </>
        )}
      </ImpactSection>
      <form
        className="form-stack"
        onSubmit={(e) => {
          e.preventDefault();
          if (ready) mutation.mutate(p.asOf.maxSeq);
        }}
      >
        <NoteField
          value={note}
          onChange={setNote}
          placeholder="Why re-publish? Kept with the transaction as meta.note"
        />
        {!access.canRepublish && <p className="field-error">{access.why}: re-publishing is not allowed.</p>}
        <div className="row">
          <button type="submit" className="primary" disabled={!ready}>
            {p && p.writes > 0 ? `Re-publish ${fmtNum(p.writes)} key${p.writes === 1 ? '' : 's'}` : 'Re-publish'}
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
      {mutation.error && (
        <ErrorNotice
          title={stale ? 'The topic moved on; preview again' : 'Nothing was re-published'}
          error={mutation.error}
        >
          {stale && (
            <button
              type="button"
              onClick={() => {
                mutation.reset();
                void preview.refetch();
              }}
            >
              Preview again
            </button>
          )}
        </ErrorNotice>
      )}
    </Modal>
  );
}
