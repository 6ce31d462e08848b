/**
 * Pretty, collapsible JSON (native <details>, so it works from the keyboard), with a "Copy"
 * button that copies the indented text.
 */
import { useState, type ReactNode } from 'react';
import type { JsonValue } from '../../src-core/model/types';

function Node({ name, value, depth }: { name: string | null; value: JsonValue; depth: number }): ReactNode {
  const label = name !== null ? <span className="json-key">{JSON.stringify(name)}: </span> : null;
  if (value !== null && typeof value === 'object') {
    const entries: [string | null, JsonValue][] = Array.isArray(value)
      ? value.map((v) => [null, v])
      : Object.entries(value);
    const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
    if (entries.length === 0) {
      return (
        <div className="json-line">
          {label}
          {open}
          {close}
        </div>
      );
    }
    return (
      <details open={depth < 3} className="json-node">
        <summary>
          {label}
          {open}
          <span className="json-count"> {entries.length} </span>
        </summary>
        <div className="json-children">
          {entries.map(([k, v], i) => (
            <Node key={k ?? i} name={k} value={v} depth={depth + 1} />
          ))}
        </div>
        <div className="json-line">{close}</div>
      </details>
    );
  }
  return (
    <div className="json-line">
      {label}
      <span className={`json-${value === null ? 'null' : typeof value}`}>{JSON.stringify(value)}</span>
    </div>
  );
}

async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const ta = document.createElement('textarea');
    ta.value = text;
    document.body.appendChild(ta);
    ta.select();
    document.execCommand('copy');
    ta.remove();
  }
}

export function JsonView({ value, label }: { value: JsonValue; label: string }): ReactNode {
  const [copied, setCopied] = useState(false);
  return (
    <div className="json-view" aria-label={label}>
      <div className="json-toolbar">
        <button
          type="button"
          onClick={() => {
            void copyText(JSON.stringify(value, null, 2)).then(() => {
              setCopied(true);
              setTimeout(() => setCopied(false), 1500);
            });
          }}
        >
          Copy
        </button>
        <span aria-live="polite" className="muted">
          {copied ? 'Copied' : ''}
        </span>
      </div>
      <div className="json-tree">
        <Node name={null} value={value} depth={0} />
      </div>
    </div>
  );
}
