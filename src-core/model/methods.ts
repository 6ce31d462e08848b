/**
 * The names of the `StoreApi` methods, without their schemas: what the Electron preload needs to
 * build the bridge (one loop over these names), kept free of zod so the preload bundle stays
 * small. signatures.ts pins this list to its operation table at compile time, so a method added to
 * one and not the other fails the build.
 */
import type { StoreApi } from './store-api';

/** The methods with callbacks, Files or pushes; the IPC contract declares their channels itself. */
export const SPECIAL_METHODS = ['diff', 'repair', 'exportSurface', 'subscribe', 'compareWith', 'verify'] as const;
export type SpecialMethod = (typeof SPECIAL_METHODS)[number];
export type PlainMethod = Exclude<keyof StoreApi, SpecialMethod>;

/** The plain methods (request and answer, nothing else), in the operation table's order. */
export const PLAIN_METHODS = [
  'capabilities',
  'currentConnection',
  'recentConnections',
  'openFile',
  'connectServer',
  'reconnect',
  'updateConnection',
  'forgetConnection',
  'listTopics',
  'topicInfo',
  'readEvents',
  'listTxns',
  'getTxn',
  'surface',
  'timeline',
  'append',
  'previewInvalidate',
  'invalidate',
  'previewRepublish',
  'republish',
  'loadSampleData',
  'settings',
  'updateSettings',
] as const satisfies readonly PlainMethod[];

/** Fails to compile when a plain method of StoreApi is missing from PLAIN_METHODS. */
const everyPlainMethodListed: Record<PlainMethod, true> = {} as Record<(typeof PLAIN_METHODS)[number], true>;
void everyPlainMethodListed;
