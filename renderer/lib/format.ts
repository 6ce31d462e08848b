/**
 * Display helpers: numbers with separators, times in the person's locale (with the exact UTC
 * value in a tooltip), relative "last write" ages and one-line JSON previews.
 */
import type { JsonValue } from '../../src-core/model/types';

const NUM = new Intl.NumberFormat('en-US');

export function fmtNum(n: number): string {
  return NUM.format(n);
}

/** ISO time as `YYYY-MM-DD HH:MM:SS.mmm`, always UTC (column headers say so). */
export function fmtTime(iso: string | null): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toISOString().replace('T', ' ').replace('Z', '');
}

export function fmtAge(iso: string | null, now = Date.now()): string {
  if (!iso) return 'never';
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return iso;
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86_400)}d ago`;
}

/** One-line JSON, cut to `max` characters. */
export function jsonPreview(v: JsonValue | undefined, max = 160): string {
  if (v === undefined) return '';
  const s = JSON.stringify(v);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** A field's value as a short string for tables (strings unquoted). */
export function cellText(v: JsonValue | undefined): string {
  if (v === undefined) return '';
  if (typeof v === 'string') return v;
  return jsonPreview(v, 80);
}
