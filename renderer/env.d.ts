/**
 * Globals the renderer may find: `window.tidemark`, the StoreApi exposed by the Electron preload
 * bridge. Absent in a plain browser, where the HTTP adapter is used instead.
 */
import type { StoreApi } from '../src-core/model/store-api';

declare global {
  interface Window {
    tidemark?: StoreApi;
  }
}

export {};
