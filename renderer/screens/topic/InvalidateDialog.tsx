/**
 * The invalidation dialog: previews which keys' surface values would change (from what to what),
 * asks for a reason ("Reason", checked by the model's rule as the store will check it; a problem
 * is shown under it) and for the transaction number typed again ("Confirm transaction number");
 * "Invalidate transaction N" stays disabled until both are right. On success the
 * transaction row is marked at once and everything of the topic is refetched.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { validateReason } from '../../../src-core/model/validate';
import { useApi } from '../../api/api-context';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Modal } from '../../components/Modal';
import { ReasonField } from '../../components/ReasonField';
import { useAccess } from '../../components/use-access';
import { fmtNum } from '../../lib/format';
import { refusal } from '../../lib/refusal';
import { afterInvalidate } from '../../queries/invalidate';
import { previewQuery } from '../../queries/txns';
import { ImpactSection, ImpactTable } from './ImpactTable';

interface Props {
  topic: string;
  txn: number;
  onClose: () => void;
}

/** Why the store would refuse `reason` (the model's rule: length, storable text), or null. */
function reasonProblem(reason: string): string | null {
  return refusal(validateReason, reason);
}

export function InvalidateDialog({ topic, txn, onClose }: Props): ReactNode {
  const api = useApi();
  const qc = useQueryClient();
  const access = useAccess();
  const preview = useQuery(previewQuery(api, topic, txn));
  const [reason, setReason] = useState('');
  const [confirm, setConfirm] = useState('');
  const mutation = useMutation({
    mutationFn: () => api.invalidate(topic, txn, reason.trim()),
    onSuccess: async (res) => {
      onClose();
      await afterInvalidate(qc, topic, res, reason.trim());
    },
  });
  const reasonError = reason.trim() === '' ? null : reasonProblem(reason.trim());
  const reasonOk = reason.trim() !== '' && reasonError === null;
  const confirmOk = confirm.trim() === String(txn);
  const ready = reasonOk && confirmOk && access.canInvalidate && !mutation.isPending;

  return (
    <Modal title={`Invalidate transaction ${txn}`} onClose={onClose} className="invalidate-dialog">
      <p>
        Invalidating marks transaction {txn} of <strong>{topic}</strong> invalid: nothing is deleted, its events stay in
        the log, and the surface falls back to each key's previous valid value. To undo it, re-publish the transaction
        (Transactions tab).
      </p>
      <ImpactSection preview={preview} failTitle="The impact could not be previewed">
        {(p) => (
          <>
            <p role="status">
              {fmtNum(p.keysTouched)} key{p.keysTouched === 1 ? '' : 's'} touched;{' '}
              {p.rows.length === 0
                ? 'no surface value changes.'
                : `${fmtNum(p.rows.length)}${p.truncated ? '+' : ''} surface value${p.rows.length === 1 ? '' : 's'} change:`}
            </p>
            {p.rows.length > 0 && <ImpactTable rows={p.rows} />}
            {p.truncated && <p className="muted">Only the first {fmtNum(p.rows.length)} changes are shown.</p>}
          </>
        )}
      </ImpactSection>
      <form
        className="form-stack"
        onSubmit={(e) => {
          e.preventDefault();
          if (ready) mutation.mutate();
        }}
      >
        <ReasonField
          value={reason}
          onChange={setReason}
          placeholder="Why is this transaction wrong? (kept with the marker)"
          error={reasonError}
        />
        <label className="field">
          <span>Confirm transaction number</span>
          <input
            type="text"
            inputMode="numeric"
            autoComplete="off"
            placeholder={`Type ${txn} to confirm`}
            value={confirm}
            onChange={(e) => setConfirm(e.target.value)}
          />
        </label>
        {!access.canInvalidate && <p className="field-error">{access.why}: invalidation is not allowed.</p>}
        <div className="row">
          <button type="submit" className="danger" disabled={!ready}>
            Invalidate transaction {txn}
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
      {mutation.error && <ErrorNotice title="The transaction was not invalidated" error={mutation.error} />}
    </Modal>
  );
}
