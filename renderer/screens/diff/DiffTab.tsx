/**
 * Diff: upload a snapshot, choose key and compared fields (detected with sniffColumns from the
 * file's first 64 KiB) and the comparison options (remembered per connection and topic,
 * lib/diff-options.ts), compare with a cancellable progress display, then browse the summary and
 * the result rows. A malformed file shows the server's message, which names the line or record;
 * a message about an option is also shown at that option. Where the connection may repair, rows
 * are picked (lib/repair-selection.ts) and "Repair selected" opens the Repair dialog; once it has
 * written, the topic's queries are refetched and the diff runs again with the same file and
 * options, the repaired keys shown as equal and linked to the repair transaction.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState, type ReactNode } from 'react';
import { sniffColumns } from '../../../src-core/diff/sniff';
import type { DiffResult, RepairResult } from '../../../src-core/model/types';
import { useApi } from '../../api/api-context';
import { toApiError } from '../../api/errors';
import { formatFromName } from '../../api/upload';
import { ErrorNotice } from '../../components/ErrorNotice';
import { useAccess } from '../../components/use-access';
import {
  type DiffOptionsText,
  type DiffRequestOptions,
  NO_OPTIONS,
  loadOptions,
  optionOfMessage,
  optionsStorageKey,
  readOptions,
  saveOptions,
} from '../../lib/diff-options';
import { fmtNum } from '../../lib/format';
import {
  NO_SELECTION,
  type RepairSelection,
  type RepairTarget,
  repairTarget,
  selectCategory,
  toggleCategory,
  toggleRow,
} from '../../lib/repair-selection';
import { type Repaired, repairedOf } from '../../lib/repaired-rows';
import { currentConnectionQuery } from '../../queries/connection';
import { afterWrite } from '../../queries/invalidate';
import { DiffOptionsPicker } from './DiffOptionsPicker';
import { navigate } from '../../lib/route';
import { DiffProgress } from './DiffProgress';
import { DiffResults, type RepairControls } from './DiffResults';
import { type RepairBase, RepairDialog } from './RepairDialog';
import { DiffSetup, type DiffChoice } from './DiffSetup';
import { SnapshotPicker } from './SnapshotPicker';
import { useLongOperation } from '../../lib/use-long-operation';

const SNIFF_BYTES = 64 * 1024;

function fmtSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${fmtNum(Math.round(bytes / 1024))} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
export const DIFF_ROW_LIMIT = 10_000;

export async function detectColumns(file: Blob, choice: DiffChoice): Promise<string[]> {
  if (!choice.format) return [];
  const text = await file.slice(0, SNIFF_BYTES).text();
  return sniffColumns(text, choice.format);
}

const NOTHING_REPAIRED: Repaired = new Map();

/** "Repaired 3 rows in transaction 7." */
function repairDoneText(r: RepairResult): string {
  if (r.txns.length === 0) return 'Nothing needed writing: the rows already matched.';
  const rows = `${fmtNum(r.written)} row${r.written === 1 ? '' : 's'}`;
  const where = r.txns.length === 1 ? `transaction ${r.txns[0]!}` : `transactions ${r.txns.join(', ')}`;
  return `Repaired ${rows} in ${where}.`;
}

/** Why the Repair control is disabled for this diff and selection, or the request it makes. */
function repairPlan(
  result: DiffResult,
  asOfTxn: number | undefined,
  selection: RepairSelection,
): { target: RepairTarget; blocked: null } | { target: null; blocked: string } {
  if (asOfTxn !== undefined) {
    return {
      target: null,
      blocked: 'A diff as of a transaction cannot be repaired: clear “As of txn” and compare again.',
    };
  }
  const t = repairTarget(selection, result.summary, result.rows);
  if (t === null) return { target: null, blocked: 'Select rows to repair.' };
  if ('problem' in t) return { target: null, blocked: t.problem };
  return { target: t, blocked: null };
}

export function DiffTab({ topic }: { topic: string }): ReactNode {
  const api = useApi();
  const qc = useQueryClient();
  const access = useAccess();
  const [selection, setSelection] = useState<RepairSelection>(NO_SELECTION);
  const [repairing, setRepairing] = useState<RepairTarget | null>(null);
  const [repaired, setRepaired] = useState<Repaired>(NOTHING_REPAIRED);
  const [lastRepair, setLastRepair] = useState<RepairResult | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [columns, setColumns] = useState<string[]>([]);
  const [choice, setChoice] = useState<DiffChoice>({ format: null, keyField: 'key', fields: [] });
  const op = useLongOperation();
  const { progress, startedAt, cancel } = op;
  // The options, remembered per connection and topic.
  const conn = useQuery(currentConnectionQuery(api)).data;
  const storageKey = conn ? optionsStorageKey(conn.id, topic) : null;
  const [optText, setOptText] = useState<DiffOptionsText>(NO_OPTIONS);
  const [loadedKey, setLoadedKey] = useState<string | null>(null);
  if (storageKey !== loadedKey) {
    setLoadedKey(storageKey);
    setOptText(storageKey !== null ? loadOptions(window.localStorage, storageKey) : NO_OPTIONS);
  }
  const read = useMemo(() => readOptions(optText), [optText]);
  const run = useMutation({
    mutationFn: async (c: DiffChoice & { file: File; allFields: boolean; options: DiffRequestOptions }) => {
      return api.diff(
        topic,
        {
          file: c.file,
          fileName: c.file.name,
          format: c.format ?? undefined,
          keyField: c.keyField.trim(),
          fields: c.allFields ? undefined : c.fields,
          limit: DIFF_ROW_LIMIT,
          ...c.options,
        },
        op.start(),
      );
    },
    onSettled: op.settle,
  });

  // A new diff result starts with nothing picked.
  const [selectionFor, setSelectionFor] = useState<DiffResult | undefined>(undefined);
  if (run.data !== selectionFor) {
    setSelectionFor(run.data);
    setSelection(NO_SELECTION);
  }

  const changeOptions = (t: DiffOptionsText): void => {
    // A refusal of the options is answered by changing them: it no longer applies.
    if (run.isError) run.reset();
    setOptText(t);
    if (storageKey !== null) saveOptions(window.localStorage, storageKey, t);
  };

  /** Detects the file's columns for `c.format`, then keeps `c.keyField` if the file has it (else
   *  `key`, else the first column) and compares every other column. */
  const detect = (f: File, c: DiffChoice): void => {
    void detectColumns(f, c)
      .catch((): string[] => [])
      .then((cols) => {
        setColumns(cols);
        const keyField = [c.keyField, 'key'].find((k) => cols.includes(k)) ?? cols[0] ?? c.keyField;
        setChoice({ ...c, keyField, fields: cols.filter((x) => x !== keyField) });
      });
  };

  /** A diff the person starts (not the re-run after a repair) forgets the last repair. */
  const forgetRepair = (): void => {
    setRepaired(NOTHING_REPAIRED);
    setLastRepair(null);
  };

  const pick = (f: File): void => {
    cancel();
    run.reset();
    forgetRepair();
    setFile(f);
    detect(f, { format: formatFromName(f.name), keyField: 'key', fields: [] });
  };

  const changeChoice = (c: DiffChoice): void => {
    if (file && c.format !== choice.format) detect(file, c);
    setChoice(c);
  };

  const compare = (): void => {
    if (!file) return;
    const comparable = columns.filter((c) => c !== choice.keyField);
    const allFields = comparable.length === 0 || comparable.every((c) => choice.fields.includes(c));
    // The columns are the snapshot's names; compared fields are named after `map` renamed them.
    const map = read.options.map ?? {};
    const fields = choice.fields.map((f) => (Object.hasOwn(map, f) ? map[f]! : f));
    forgetRepair();
    run.mutate({ ...choice, fields, file, allFields, options: read.options });
  };

  const written = async (res: RepairResult): Promise<void> => {
    setRepairing(null);
    setRepaired(repairedOf(res.events));
    setLastRepair(res);
    await afterWrite(qc, topic);
    if (run.variables) run.mutate(run.variables);
  };

  const cancelled = run.error ? toApiError(run.error).code === 'CANCELLED' : false;
  // A server message about an option is shown at the option too (until the next comparison).
  const serverError = run.error && !cancelled ? toApiError(run.error).message : null;
  const serverOption = serverError !== null ? optionOfMessage(serverError) : null;
  const errors = serverOption !== null ? { [serverOption]: serverError!, ...read.errors } : read.errors;
  const used = run.variables;
  const usedOptions = used
    ? { keyField: used.keyField.trim(), fields: used.allFields ? undefined : used.fields, ...used.options }
    : undefined;
  const rowsByKey = useMemo(() => new Map((run.data?.rows ?? []).map((r) => [r.key, r])), [run.data]);
  const plan = run.data ? repairPlan(run.data, used?.options.asOfTxn, selection) : null;
  const repairControls: RepairControls | undefined =
    run.data && plan && access.canRepair
      ? {
          selection,
          onToggleRow: (row) => setSelection((s) => toggleRow(s, row, run.data.rows)),
          onToggleCategory: (cat) => setSelection((s) => toggleCategory(s, cat)),
          onSelectCategory: (cat) => setSelection((s) => selectCategory(s, cat)),
          blocked: plan.blocked,
          onRepair: () => plan.target && setRepairing(plan.target),
        }
      : undefined;
  const { asOfTxn: _asOf, ...repairOptions } = used?.options ?? {};
  const repairBase: RepairBase | null = used
    ? {
        file: used.file,
        fileName: used.file.name,
        format: used.format ?? undefined,
        keyField: used.keyField.trim(),
        fields: used.allFields ? undefined : used.fields,
        ...repairOptions,
      }
    : null;

  return (
    <div className="tab-body diff-tab">
      <section className="card" aria-label="Snapshot">
        <SnapshotPicker onFile={pick} fileName={file ? `${file.name} (${fmtSize(file.size)})` : null} />
        {file && (
          <DiffSetup
            columns={columns}
            choice={choice}
            onChange={changeChoice}
            onCompare={compare}
            busy={run.isPending}
            blocked={Object.keys(read.errors).length > 0}
          >
            <DiffOptionsPicker value={optText} onChange={changeOptions} errors={errors} />
          </DiffSetup>
        )}
        {run.isPending && <DiffProgress progress={progress} startedAt={startedAt} onCancel={cancel} />}
        {run.error &&
          (cancelled ? (
            <p className="notice" role="status">
              Comparison cancelled. Press Compare to start again.
            </p>
          ) : (
            <ErrorNotice
              title="The snapshot could not be compared"
              error={run.error}
              hint={(code) =>
                code === 'BAD_REQUEST' && serverOption !== null
                  ? 'Fix the comparison option marked above, then compare again.'
                  : code === 'BAD_REQUEST'
                    ? 'Fix the file at the record or line named above (or pick the right format and key field), then compare again.'
                    : code === 'TOO_LARGE'
                      ? 'The file is larger than the server accepts; split it, or ask for a larger --body-limit.'
                      : undefined
              }
            />
          ))}
      </section>
      {lastRepair && (
        <p className="notice" role="status" data-testid="repair-done">
          {repairDoneText(lastRepair)}{' '}
          {run.isPending
            ? 'Comparing again…'
            : run.data
              ? `The diff now shows ${fmtNum(run.data.summary.different)} different, ${fmtNum(run.data.summary.missingInStore)} missing in store and ${fmtNum(run.data.summary.missingInSnapshot)} missing in snapshot.`
              : ''}
        </p>
      )}
      {run.data && (
        <DiffResults
          topic={topic}
          result={run.data}
          keyField={choice.keyField}
          options={usedOptions}
          onOpenTxn={(txn) => navigate({ screen: 'topic', topic, tab: 'txns', txn })}
          repaired={repaired}
          repair={repairControls}
        />
      )}
      {repairing && run.data && repairBase && (
        <RepairDialog
          topic={topic}
          base={repairBase}
          target={repairing}
          asOf={run.data.asOf}
          rows={rowsByKey}
          resultRows={DIFF_ROW_LIMIT}
          onClose={() => setRepairing(null)}
          onWritten={(res) => void written(res)}
        />
      )}
    </div>
  );
}
