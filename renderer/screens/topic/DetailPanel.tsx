/**
 * A side panel that shows one record (an event or a surface row): its facts, a link to its
 * transaction, and its data as collapsible JSON with "Copy". Escape or "Close" closes it.
 */
import { useEffect, useRef, type ReactNode } from 'react';
import type { JsonValue } from '../../../src-core/model/types';
import { JsonView } from '../../components/JsonView';
import { navigate } from '../../lib/route';

/** One line of the panel: what, and its value. */
export type Fact = [string, ReactNode];

interface Props {
  title: string;
  topic: string;
  txn: number;
  facts: Fact[];
  data: JsonValue;
  onClose: () => void;
}

export function DetailPanel({ title, topic, txn, facts, data, onClose }: Props): ReactNode {
  const ref = useRef<HTMLElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, [title]);
  return (
    <aside
      ref={ref}
      className="detail-panel"
      aria-label={title}
      tabIndex={-1}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      <header className="detail-head">
        <h2>{title}</h2>
        <button type="button" className="icon-button" aria-label="Close details" onClick={onClose}>
          ×
        </button>
      </header>
      <dl className="facts">
        {facts.map(([k, v]) => (
          <div key={k} className="fact">
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      <button
        type="button"
        className="link-button"
        onClick={() => navigate({ screen: 'topic', topic, tab: 'txns', txn })}
      >
        Open transaction {txn}
      </button>
      <h3>Data</h3>
      <JsonView value={data} label="Data" />
    </aside>
  );
}
