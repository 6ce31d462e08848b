/**
 * The Repair dialog: first a dry run of the repair (same snapshot, options and selection, nothing
 * written) shows what will be written: key, field, store → snapshot, the first rows "and M more",
 * and the count; then a Reason (required, checked in place by the model's rule, in the store's
 * words), and "Write repair transaction" writes it in one commit guarded by `expectMaxSeq` = the
 * reviewed diff's `asOf.maxSeq`: when the topic moved on since the diff, the server writes nothing
 * and the dialog says to run the diff again. Both steps show progress with Cancel.
 */
import { useMutation, useQuery } from '@tanstack/react-query';
import { useRef, useState, type ReactNode } from 'react';
import type { Progress, RepairRequest } from '../../../src-core/model/store-api';
import type { DiffAsOf, DiffRow, RepairResult } from '../../../src-core/model/types';
import { validateReason } from '../../../src-core/model/validate';
import { useApi } from '../../api/api-context';
import { toApiError } from '../../api/errors';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Modal } from '../../components/Modal';
import { ReasonField } from '../../components/ReasonField';
import { fmtNum } from '../../lib/format';
import { refusal } from '../../lib/refusal';
import { moreText, previewLines, writeSummary } from '../../lib/repair-preview';
import type { RepairTarget } from '../../lib/repair-selection';
import { longOpOf, repairPreviewQuery } from '../../queries/repair';
import { DiffProgress } from './DiffProgress';

/** The reason a dry run carries (the route wants one; nothing is written, so it is kept nowhere). */
const PREVIEW_REASON = 'Repair preview';

/** The repair's request without what the dialog adds (include, keys, reason, dry run, guard). */
export type RepairBase = Omit<RepairRequest, 'include' | 'keys' | 'reason' | 'dryRun' | 'expectMaxSeq' | 'limit'>;

interface Props {
  topic: string;
  base: RepairBase;
  target: RepairTarget;
  /** The topic state of the diff the person reviewed. */
  asOf: DiffAsOf;
  /** The diff's loaded rows, by key (the store side of the preview). */
  rows: ReadonlyMap<string, DiffRow>;
  /** Events the write returns (so the repaired rows can link to their transaction). */
  resultRows: number;
  onClose: () => void;
  onWritten: (result: RepairResult) => void;
}

let dialogs = 0;

export function RepairDialog({ topic, base, target, asOf, rows, resultRows, onClose, onWritten }: Props): ReactNode {
  const api = useApi();
  const [dialog] = useState(() => ++dialogs);
  const [progress, setProgress] = useState<Progress | null>(null);
  const [startedAt, setStartedAt] = useState(() => Date.now());
  const [reason, setReason] = useState('');
  const [tried, setTried] = useState(false);
  const controller = useRef<AbortController | null>(null);
  const req: RepairRequest = {
    ...base,
    include: target.include,
    ...(target.keys !== undefined ? { keys: target.keys } : {}),
    reason: PREVIEW_REASON,
    expectMaxSeq: asOf.maxSeq,
  };
  const preview = useQuery(repairPreviewQuery(api, topic, dialog, req, setProgress));
  const write = useMutation({
    mutationFn: (why: string) => {
      const ctrl = new AbortController();
      controller.current = ctrl;
      setStartedAt(Date.now());
      setProgress(null);
      return api.repair(topic, { ...req, reason: why, limit: resultRows }, longOpOf(ctrl.signal, setProgress));
    },
    onSuccess: onWritten,
    onSettled: () => {
      controller.current = null;
    },
  });

  /** Closing (×, Escape, Close) cancels a write still running. */
  const close = (): void => {
    controller.current?.abort();
    onClose();
  };
  const why = reason.trim();
  const reasonError = why === '' && !tried ? null : refusal(validateReason, why);
  const written = preview.data?.written ?? 0;
  const ready = preview.data !== undefined && written > 0 && !write.isPending;
  const submit = (): void => {
    setTried(true);
    if (ready && refusal(validateReason, why) === null) write.mutate(why);
  };
  const lines = preview.data ? previewLines(preview.data.events, rows) : [];
  const more = preview.data ? moreText(preview.data.events.length, written) : null;
  const conflict = (e: unknown): boolean => toApiError(e).code === 'CONFLICT';
  const writeError = write.error ? toApiError(write.error) : null;

  return (
    <Modal title="Repair" onClose={close} className="repair-dialog">
      <p>
        Writes the snapshot&apos;s values for {fmtNum(target.count)} selected row{target.count === 1 ? '' : 's'} of{' '}
        <strong>{topic}</strong> as new transactions (nothing is deleted; only the differing compared fields change,
        other fields are kept), all in one commit.
      </p>
      <section aria-label="What will be written">
        <h3>What will be written</h3>
        {preview.isPending ? (
          <DiffProgress
            progress={progress}
            startedAt={startedAt}
            onCancel={onClose}
            label="Preview progress"
            working="Working out the repair"
          />
        ) : preview.error ? (
          conflict(preview.error) ? (
            <p className="field-error" role="alert">
              The topic moved on since this diff; run it again. Nothing was written.
            </p>
          ) : (
            <ErrorNotice
              title="The repair could not be previewed"
              error={preview.error}
              onRetry={() => void preview.refetch()}
            />
          )
        ) : (
          <>
            <p role="status" data-testid="repair-count">
              {writeSummary(written)}
            </p>
            {lines.length > 0 && (
              <div className="impact-scroll">
                <table className="impact repair-preview" aria-label="Repair preview">
                  <thead>
                    <tr>
                      <th>Key</th>
                      <th>Field</th>
                      <th>Store</th>
                      <th>Snapshot</th>
                    </tr>
                  </thead>
                  <tbody>
                    {lines.map((l, i) => (
                      <tr key={`${l.key}\u0000${l.field ?? ''}\u0000${i}`} data-key={l.key}>
                        <th scope="row" className="mono">
                          {l.key}
                        </th>
                        <td className="mono">{l.field ?? '(whole value)'}</td>
                        <td className="mono">{l.store}</td>
                        <td className="mono">→ {l.snapshot}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            {more !== null && <p className="muted">{more}</p>}
          </>
        )}
      </section>
      <form
        className="form-stack"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <ReasonField
          value={reason}
          onChange={setReason}
          placeholder="Why are these rows repaired? (kept with the repair transaction)"
          error={reasonError}
        />
        {write.isPending && (
          <DiffProgress
            progress={progress}
            startedAt={startedAt}
            onCancel={() => controller.current?.abort()}
            label="Repair progress"
            working="Writing the repair"
          />
        )}
        {writeError &&
          (writeError.code === 'CONFLICT' ? (
            <p className="field-error" role="alert">
              The topic moved on since this diff; run it again. Nothing was written.
            </p>
          ) : writeError.code === 'CANCELLED' ? (
            <p className="notice" role="status">
              Repair cancelled. Compare again to see the topic as it is now.
            </p>
          ) : (
            <ErrorNotice title="The repair was not written" error={write.error} />
          ))}
        <div className="row">
          <button type="submit" className="primary" disabled={!ready}>
            Write repair transaction
          </button>
          <button type="button" onClick={close}>
            Close
          </button>
        </div>
      </form>
    </Modal>
  );
}
