/**
 * "Verify" on a topic (docs/renderer.md): checks the stored log through `StoreApi.verify` (in a
 * job worker on the desktop, the verify route in a browser), with a progress bar in transactions
 * and Cancel while it runs, an optional anchor (a head recorded elsewhere), then one sentence
 * people can read (verify-text.ts), the failure's message naming the transaction, and the legacy
 * values found (stored before today's validation; listed, not failures).
 */
import { useMutation } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import type { VerifyResult } from '../../../src-core/model/integrity';
import { isSha256Hex } from '../../../src-core/model/validate';
import { useApi } from '../../api/api-context';
import { toApiError } from '../../api/errors';
import { fmtNum } from '../../lib/format';
import { verifyHeadline, verifyProgressText } from '../../lib/verify-text';
import { useLongOperation } from '../../lib/use-long-operation';

function Legacy({ r }: { r: VerifyResult }): ReactNode {
  if (r.legacy.length === 0) return null;
  return (
    <details className="verify-legacy">
      <summary>
        {fmtNum(r.legacy.length)}
        {r.legacyCut ? '+' : ''} legacy values (stored before today’s validation; not failures)
      </summary>
      <table aria-label="Legacy values">
        <thead>
          <tr>
            <th>Txn</th>
            <th>Seq</th>
            <th>Key</th>
            <th>Problem</th>
          </tr>
        </thead>
        <tbody>
          {r.legacy.map((l) => (
            <tr key={l.seq}>
              <td>{l.txn}</td>
              <td>{l.seq}</td>
              <td className="mono">{JSON.stringify(l.key)}</td>
              <td>{l.problem}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {r.legacyCut && <p className="muted">The list stops at {fmtNum(r.legacy.length)}; more were found.</p>}
    </details>
  );
}

export function VerifyPanel({ topic }: { topic: string }): ReactNode {
  const api = useApi();
  const [anchor, setAnchor] = useState('');
  const op = useLongOperation();
  const { progress, cancel } = op;
  const trimmed = anchor.trim();
  const anchorBad = trimmed !== '' && !isSha256Hex(trimmed);
  const run = useMutation({
    mutationFn: (expectHead: string) => api.verify(topic, expectHead === '' ? {} : { expectHead }, op.start()),
    onSettled: op.settle,
  });
  const err = run.error ? toApiError(run.error) : null;
  return (
    <section className="verify-panel" aria-label="Verify">
      <div className="toolbar">
        <label>
          Expected head (optional){' '}
          <input
            className="mono"
            size={24}
            value={anchor}
            onChange={(e) => setAnchor(e.target.value)}
            placeholder="a head recorded elsewhere"
            aria-invalid={anchorBad}
          />
        </label>
        <button type="button" disabled={run.isPending || anchorBad} onClick={() => run.mutate(trimmed)}>
          Verify
        </button>
      </div>
      {anchorBad && (
        <p className="field-error" role="alert">
          Expected head: 64 lowercase hex characters (a head printed by `tidemark topics` or a verify).
        </p>
      )}
      {run.isPending && (
        <div className="diff-progress" role="status" aria-live="polite">
          {progress?.total ? (
            <progress aria-label="Verify progress" max={progress.total} value={progress.done} />
          ) : (
            <progress aria-label="Verify progress" />
          )}
          <span>{verifyProgressText(progress)}</span>
          <button type="button" onClick={cancel}>
            Cancel
          </button>
        </div>
      )}
      {err && (
        <p role="alert" className={err.code === 'CANCELLED' ? 'muted' : 'field-error'}>
          {err.code === 'CANCELLED' ? 'Verify cancelled.' : `Verify failed: ${err.message}`}
        </p>
      )}
      {run.data && (
        <div role="status" className={run.data.ok ? 'verify-ok' : 'verify-bad'}>
          <p>{verifyHeadline(run.data)}</p>
          {run.data.firstBad && <p className="mono">{run.data.firstBad.message}</p>}
          {run.data.head !== null && (
            <p className="muted">
              {run.data.ok ? 'Head' : 'Last verified head'}: <span className="mono">{run.data.head}</span>
            </p>
          )}
          <Legacy r={run.data} />
        </div>
      )}
    </section>
  );
}
