/**
 * The query-key hierarchy, in one place. Everything about one topic sits under
 * ['topic', name], so a write can invalidate exactly the branch it touched:
 * ['topics'], ['topic', name, 'info'], ['topic', name, 'events', params],
 * ['topic', name, 'txns', params], ['topic', name, 'txn', n], ['topic', name, 'surface', params],
 * ['topic', name, 'preview', n], ['topic', name, 'repair-preview', n] (one Repair dialog's dry run),
 * ['topic', name, 'republish-preview', n], ['topic', name, 'dry-run', text, note] (the New
 * transaction editor's duplicate check), ['topic', name, 'timeline', opts], and
 * ['topic', name, 'live'] (the live tail's rows, see live.ts; the
 * invalidations of the topic branch leave it alone). Connection state lives under ['connection'].
 */
import type { SurfaceView, TimelineOptions } from '../../src-core/model/types';

export interface EventsParams {
  key?: string;
  txn?: number;
}

export interface SurfaceParams {
  prefix?: string;
  view: SurfaceView;
  asOfTxn?: number;
}

export const keys = {
  connection: ['connection'] as const,
  current: () => ['connection', 'current'] as const,
  recent: () => ['connection', 'recent'] as const,
  capabilities: () => ['connection', 'capabilities'] as const,
  settings: () => ['connection', 'settings'] as const,
  topics: ['topics'] as const,
  topic: (name: string) => ['topic', name] as const,
  info: (name: string) => ['topic', name, 'info'] as const,
  eventsAll: (name: string) => ['topic', name, 'events'] as const,
  events: (name: string, p: EventsParams) => ['topic', name, 'events', p] as const,
  txnsAll: (name: string) => ['topic', name, 'txns'] as const,
  txns: (name: string, p: { order: 'desc'; by?: string }) => ['topic', name, 'txns', p] as const,
  txn: (name: string, txn: number) => ['topic', name, 'txn', txn] as const,
  surfaceAll: (name: string) => ['topic', name, 'surface'] as const,
  surface: (name: string, p: SurfaceParams) => ['topic', name, 'surface', p] as const,
  preview: (name: string, txn: number) => ['topic', name, 'preview', txn] as const,
  repairPreview: (name: string, dialog: number) => ['topic', name, 'repair-preview', dialog] as const,
  timeline: (name: string, opts: TimelineOptions) => ['topic', name, 'timeline', opts] as const,
  republishPreview: (name: string, txn: number) => ['topic', name, 'republish-preview', txn] as const,
  dryRun: (name: string, text: string, note: string) => ['topic', name, 'dry-run', text, note] as const,
  live: (name: string) => ['topic', name, 'live'] as const,
};
