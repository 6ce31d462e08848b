/**
 * A table comparing two sides, one row per name: a diff row's fields (store against snapshot) and
 * an invalidation's surface changes (now against after). Rows marked `differs` are highlighted.
 */
import type { ReactNode } from 'react';

export interface CompareRow {
  name: string;
  left: ReactNode;
  right: ReactNode;
  differs?: boolean;
}

interface Props {
  label: string;
  /** The headers: what a row is named by, then the two sides. */
  heads: readonly [string, string, string];
  rows: readonly CompareRow[];
  className: string;
  /** Names are data (keys), shown in the monospaced face like the values. */
  monoNames?: boolean;
}

export function CompareTable({ label, heads, rows, className, monoNames }: Props): ReactNode {
  return (
    <table className={className} aria-label={label}>
      <thead>
        <tr>
          {heads.map((h) => (
            <th key={h}>{h}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.name} className={r.differs ? 'differs' : undefined}>
            <th scope="row" className={monoNames ? 'mono' : undefined}>
              {r.name}
            </th>
            <td className="mono">{r.left}</td>
            <td className="mono">{r.right}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
