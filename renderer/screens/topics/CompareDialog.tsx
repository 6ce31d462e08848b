/**
 * "Compare with…": are this connection's logs the same as another remembered connection's, topic
 * by topic (StoreApi.compareWith, src-core/services/compare.ts)? Pick the other connection, run it
 * with progress (topics compared) and Cancel like a diff, and read one line per topic (equal,
 * missing, which side is ahead, or the first transaction where they differ, with each side's
 * chain there and the reads it cost). Desktop only: in the browser the dialog says why and what
 * to run instead (docs/renderer.md, "Compare with…"), and sends nothing.
 */
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { describeComparison } from '../../../src-core/model/compare-text';
import type { CompareReport, TopicComparison } from '../../../src-core/model/integrity';
import { useApi } from '../../api/api-context';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Modal } from '../../components/Modal';
import { fmtNum } from '../../lib/format';
import { capabilitiesQuery, currentConnectionQuery, recentConnectionsQuery } from '../../queries/connection';
import { DiffProgress } from '../diff/DiffProgress';
import { useLongOperation } from '../../lib/use-long-operation';

interface Props {
  /** Compare only this topic (default: every topic either side has). */
  topic?: string;
  onClose: () => void;
}

const BADGE: Record<TopicComparison['result'], string> = {
  equal: 'badge badge-ok',
  missing: 'badge badge-warn',
  prefix: 'badge badge-warn',
  diverged: 'badge badge-bad',
};

function short(chain: string | null | undefined): string {
  return chain ? `${chain.slice(0, 12)}…` : '—';
}

function Result({ report, otherLabel }: { report: CompareReport; otherLabel: string }): ReactNode {
  const differing = report.topics.filter((t) => t.result !== 'equal').length;
  return (
    <>
      <p role="status" className="compare-summary">
        {report.topics.length === 0
          ? 'Neither store has any topic.'
          : report.equal
            ? `Equal: ${fmtNum(report.topics.length)} topic${report.topics.length === 1 ? '' : 's'}, the same logs on both sides.`
            : `${fmtNum(differing)} of ${fmtNum(report.topics.length)} topic${report.topics.length === 1 ? '' : 's'} differ.`}{' '}
        <span className="muted">
          ({fmtNum(report.reads.from)} reads here, {fmtNum(report.reads.to)} on {otherLabel})
        </span>
      </p>
      {report.topics.length > 0 && (
        <table className="impact compare-table" aria-label="Comparison by topic">
          <thead>
            <tr>
              <th>Topic</th>
              <th>Result</th>
              <th>Details</th>
              <th>Here</th>
              <th>{otherLabel}</th>
            </tr>
          </thead>
          <tbody>
            {report.topics.map((t) => (
              <tr key={t.topic} data-result={t.result}>
                <td className="mono">{t.topic}</td>
                <td>
                  <span className={BADGE[t.result]}>{t.result}</span>
                </td>
                <td>{describeComparison(t)}</td>
                <td className="mono" title={t.firstDiff?.from.chain ?? t.from?.head ?? ''}>
                  {t.from ? `${fmtNum(t.from.maxTxn)} txns` : 'absent'}
                  {t.firstDiff ? ` · txn ${t.firstDiff.txn} ${short(t.firstDiff.from.chain)}` : ''}
                </td>
                <td className="mono" title={t.firstDiff?.to.chain ?? t.to?.head ?? ''}>
                  {t.to ? `${fmtNum(t.to.maxTxn)} txns` : 'absent'}
                  {t.firstDiff ? ` · txn ${t.firstDiff.txn} ${short(t.firstDiff.to.chain)}` : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

export function CompareDialog({ topic, onClose }: Props): ReactNode {
  const api = useApi();
  const caps = useQuery(capabilitiesQuery(api)).data;
  const current = useQuery(currentConnectionQuery(api)).data;
  const recent = useQuery(recentConnectionsQuery(api));
  const others = (recent.data ?? []).filter((c) => c.id !== current?.id);
  const [otherId, setOtherId] = useState('');
  const op = useLongOperation();
  const { progress, startedAt, cancel } = op;
  const chosen = others.find((c) => c.id === otherId) ?? others[0];

  const run = useMutation({
    mutationFn: (connectionId: string) =>
      api.compareWith({ connectionId, ...(topic !== undefined ? { topic } : {}) }, op.start()),
    onSettled: op.settle,
  });
  const cancelled = (run.error as { code?: string } | null)?.code === 'CANCELLED';
  const title = topic !== undefined ? `Compare ${topic} with…` : 'Compare with…';

  if (caps?.mode === 'browser') {
    return (
      <Modal title={title} onClose={onClose} className="compare-dialog">
        <p role="note">
          Comparing with another connection runs in the desktop app. This page can only reach the server that served it:
          other servers do not let a page from another origin read them, and this server does not fetch other addresses
          on a browser&apos;s behalf.
        </p>
        <p>From a shell, compare two stores (files, servers or PostgreSQL) with:</p>
        <pre className="mono">
          tidemark compare --from {current?.target ?? 'URL'} --to OTHER{topic !== undefined ? ` --topic ${topic}` : ''}
        </pre>
      </Modal>
    );
  }

  return (
    <Modal title={title} onClose={onClose} className="compare-dialog">
      <p>
        Compares the logs of <strong>{current?.label ?? 'this connection'}</strong> with another remembered connection,
        {topic !== undefined ? ` for topic ${topic}` : ' topic by topic'}: equal heads mean equal logs; otherwise it
        finds the first transaction where they differ, in a few reads per topic. Nothing is written.
      </p>
      {others.length === 0 ? (
        <p className="muted">No other connection is remembered yet: open another file or connect to a server once.</p>
      ) : (
        <form
          className="form-stack"
          onSubmit={(e) => {
            e.preventDefault();
            if (chosen && !run.isPending) run.mutate(chosen.id);
          }}
        >
          <label>
            Other connection
            <select value={chosen?.id ?? ''} onChange={(e) => setOtherId(e.target.value)} disabled={run.isPending}>
              {others.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.label} — {c.target}
                </option>
              ))}
            </select>
          </label>
          <div className="row">
            <button type="submit" className="primary" disabled={!chosen || run.isPending}>
              Compare
            </button>
          </div>
        </form>
      )}
      {run.isPending && (
        <DiffProgress
          progress={progress}
          startedAt={startedAt}
          onCancel={cancel}
          label="Compare progress"
          working={
            progress?.total ? `Compared ${fmtNum(progress.done)} of ${fmtNum(progress.total)} topics` : 'Comparing'
          }
        />
      )}
      {run.error && !cancelled && <ErrorNotice title="The comparison failed" error={run.error} />}
      {cancelled && <p role="status">Cancelled: nothing was compared to the end.</p>}
      {run.data && (
        <Result report={run.data} otherLabel={others.find((c) => c.id === run.variables)?.label ?? 'the other'} />
      )}
    </Modal>
  );
}
