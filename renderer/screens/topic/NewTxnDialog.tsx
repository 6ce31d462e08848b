/**
 * "New transaction" (Events tab): an editor for one or more events of this topic. Events are typed
 * or pasted (NDJSON, one event per line; a JSON array; or one object), or come from a file picked or
 * dropped on the editor; they are read by the model's event parser (model/event-text.ts, the CLI's
 * too), so every problem is shown in place in the store's own words. A text that fits one
 * transaction is checked by the store without writing (`append(…, {dryRun: true})`): the events that
 * would be duplicates (equal to their key's newest valid event, so not stored) are listed, and a
 * refusal the parser cannot see (data too deep, meta too large) is shown before anything is written.
 * "Write transaction" writes it with the optional note as `meta: {"note": …}`. A file with more
 * events than one transaction holds imports as consecutive transactions (lib/txn-import.ts) with a
 * progress bar and Cancel, which stops after the transaction being written; the dialog then says
 * exactly what was written and what was not.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useRef, useState, type ReactNode } from 'react';
import { parseEventsText, splitIntoTxns, type ParsedEvents } from '../../../src-core/model/event-text';
import { LIMITS } from '../../../src-core/model/limits';
import type { JsonObject } from '../../../src-core/model/types';
import { useApi } from '../../api/api-context';
import { ErrorNotice } from '../../components/ErrorNotice';
import { useFileDrop } from '../../components/use-file-drop';
import { Modal } from '../../components/Modal';
import { NoteField, noteProblem } from '../../components/NoteField';
import { useAccess } from '../../components/use-access';
import { fmtNum } from '../../lib/format';
import {
  type ImportOutcome,
  type ImportProgress,
  importFileRefusal,
  importSummary,
  importTxns,
} from '../../lib/txn-import';
import { useDebounced } from '../../lib/use-debounced';
import { afterWrite } from '../../queries/invalidate';
import { keys } from '../../queries/keys';

interface Props {
  topic: string;
  onClose: () => void;
}

/** Where the events come from: the editor's text, or a file read whole (never put in the editor). */
type Source = { kind: 'text' } | { kind: 'file'; id: string; name: string; parsed: ParsedEvents };

const EXAMPLE = '{"key":"order-1","data":{"qty":5}}\n{"key":"order-2","data":null}';

export function NewTxnDialog({ topic, onClose }: Props): ReactNode {
  const api = useApi();
  const qc = useQueryClient();
  const access = useAccess();
  const [text, setText] = useState('');
  const [source, setSource] = useState<Source>({ kind: 'text' });
  const [fileError, setFileError] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [progress, setProgress] = useState<ImportProgress | null>(null);
  const [outcome, setOutcome] = useState<ImportOutcome | null>(null);
  const cancelRef = useRef(false);
  const [cancelling, setCancelling] = useState(false);

  const settledText = useDebounced(text);
  const parsed = useMemo(
    () => (source.kind === 'file' ? source.parsed : parseEventsText(settledText)),
    [source, settledText],
  );
  const txns = useMemo(() => splitIntoTxns(parsed.events), [parsed]);
  const noteText = note.trim();
  const noteError = noteProblem(note);
  const meta: JsonObject | null = noteText === '' || noteError !== null ? null : { note: noteText };
  const valid = parsed.events.length > 0 && parsed.problems.length === 0 && noteError === null;
  const sourceId = source.kind === 'file' ? source.id : settledText;
  const typing = source.kind === 'text' && settledText !== text;
  const writing = progress !== null && outcome === null;

  // The store's answer for a single transaction, without writing: duplicates and any refusal.
  const dryRun = useQuery({
    queryKey: keys.dryRun(topic, sourceId, noteText),
    queryFn: () =>
      api.append(topic, meta === null ? { events: parsed.events } : { events: parsed.events, meta }, { dryRun: true }),
    enabled: valid && txns.length === 1 && access.canAppend && outcome === null,
    staleTime: 0,
    gcTime: 0,
    retry: false,
  });
  const duplicates = dryRun.data
    ? parsed.events.filter((_, i) => dryRun.data.results[i]?.duplicate === true).map((e) => e.key)
    : [];
  const checked = txns.length !== 1 || dryRun.isSuccess;
  const ready = valid && !typing && checked && access.canAppend && !writing && outcome === null;

  const loadFile = async (f: File): Promise<void> => {
    setFileError(null);
    setOutcome(null);
    const refusal = importFileRefusal(f.name, f.size);
    if (refusal !== null) {
      setFileError(refusal);
      return;
    }
    try {
      const content = await f.text();
      setSource({
        kind: 'file',
        id: `file:${f.name}:${f.size}:${f.lastModified}`,
        name: f.name,
        parsed: parseEventsText(content),
      });
    } catch (err) {
      setFileError(`${f.name}: could not be read (${err instanceof Error ? err.message : String(err)})`);
    }
  };
  const drop = useFileDrop((f) => void loadFile(f));

  const write = async (): Promise<void> => {
    cancelRef.current = false;
    setCancelling(false);
    setProgress({ txnsDone: 0, txnsTotal: txns.length, eventsDone: 0, eventsTotal: parsed.events.length });
    const result = await importTxns((req) => api.append(topic, req), txns, meta, {
      cancelled: () => cancelRef.current,
      onProgress: setProgress,
    });
    setOutcome(result);
    await afterWrite(qc, topic);
  };

  const multi = txns.length > 1;
  const title = 'New transaction';
  return (
    <Modal title={title} onClose={writing ? () => undefined : onClose} className="new-txn-dialog">
      <p>
        Events for <strong>{topic}</strong>: one JSON object per line (NDJSON), a JSON array of events, or one object —
        each <code>{'{"key": …, "data": …}'}</code> (<code>null</code> data removes the key). Or pick or drop a file. Up
        to {fmtNum(LIMITS.eventsPerTxnMax)} events make one transaction; a larger file is written as consecutive
        transactions.
      </p>
      {source.kind === 'text' ? (
        <label className={`field drop-target ${drop.over ? 'over' : ''}`} {...drop.handlers}>
          <span>Events</span>
          <textarea
            className="mono"
            rows={8}
            spellCheck={false}
            value={text}
            placeholder={EXAMPLE}
            disabled={writing || outcome !== null}
            onChange={(e) => {
              setText(e.target.value);
              setOutcome(null);
            }}
          />
        </label>
      ) : (
        <p className="row" role="status">
          <span>
            File <strong>{source.name}</strong>: {fmtNum(parsed.events.length)} event
            {parsed.events.length === 1 ? '' : 's'}
            {multi ? ` in ${fmtNum(txns.length)} transactions` : ''}
          </span>
          {!writing && (
            <button
              type="button"
              className="small"
              onClick={() => {
                setSource({ kind: 'text' });
                setOutcome(null);
              }}
            >
              Use the editor instead
            </button>
          )}
        </p>
      )}
      {!writing && outcome === null && (
        <label className="button small file-label">
          Choose a file…
          <input
            type="file"
            aria-label="Events file"
            className="visually-hidden"
            accept=".ndjson,.jsonl,.json,.txt,application/json,application/x-ndjson,text/plain"
            onChange={(e) => {
              const f = e.target.files?.[0];
              if (f) void loadFile(f);
              e.target.value = '';
            }}
          />
        </label>
      )}
      {fileError !== null && <p className="field-error">{fileError}</p>}
      {parsed.problems.length > 0 && (
        <ul className="field-error problems" aria-label="Problems" role="alert">
          {parsed.problems.map((p, i) => (
            <li key={i}>{p.message}</li>
          ))}
          {parsed.moreProblems && <li>… and more problems after these.</li>}
        </ul>
      )}
      <NoteField
        value={note}
        onChange={setNote}
        placeholder="Why these events? Kept with the transaction as meta.note"
        disabled={writing || outcome !== null}
      />

      {valid && outcome === null && !writing && (
        <section aria-label="Check" className="dry-run">
          {multi ? (
            <p className="muted">
              {fmtNum(parsed.events.length)} events will be written as {fmtNum(txns.length)} consecutive transactions;
              duplicates are counted as each is written.
            </p>
          ) : dryRun.error ? (
            <ErrorNotice title="The store would refuse this transaction" error={dryRun.error} />
          ) : !dryRun.data ? (
            <p className="muted">Checking with the store…</p>
          ) : (
            <p role="status">
              {fmtNum(parsed.events.length)} event{parsed.events.length === 1 ? '' : 's'} ready;{' '}
              {duplicates.length === 0
                ? 'no duplicates.'
                : `${fmtNum(duplicates.length)} would be duplicate${duplicates.length === 1 ? '' : 's'} (equal to the key's current value, not stored): `}
              {duplicates.length > 0 && <span className="mono duplicates">{duplicates.slice(0, 20).join(', ')}</span>}
              {duplicates.length > 20 ? ', …' : ''}
            </p>
          )}
        </section>
      )}

      {progress !== null && (
        <section aria-label="Import progress" className="import-progress">
          <progress aria-label="Transactions written" max={progress.txnsTotal} value={progress.txnsDone} />
          <span>
            {fmtNum(progress.txnsDone)} of {fmtNum(progress.txnsTotal)} transaction{progress.txnsTotal === 1 ? '' : 's'}{' '}
            ({fmtNum(progress.eventsDone)} of {fmtNum(progress.eventsTotal)} events)
          </span>
        </section>
      )}
      {outcome !== null && (
        <p role="status" className={outcome.end === 'failed' ? 'field-error' : 'done-note'}>
          {importSummary(outcome)}
        </p>
      )}
      {!access.canAppend && <p className="field-error">{access.why}: writing is not allowed.</p>}

      <div className="row">
        {outcome === null && !writing && (
          <button type="button" className="primary" disabled={!ready} onClick={() => void write()}>
            {multi ? `Import ${fmtNum(txns.length)} transactions` : 'Write transaction'}
          </button>
        )}
        {writing && (
          <button
            type="button"
            disabled={cancelling}
            onClick={() => {
              cancelRef.current = true;
              setCancelling(true);
            }}
          >
            {cancelling ? 'Cancelling after this transaction…' : 'Cancel'}
          </button>
        )}
        {!writing && (
          <button type="button" onClick={onClose}>
            {outcome === null ? 'Cancel' : 'Done'}
          </button>
        )}
      </div>
    </Modal>
  );
}
