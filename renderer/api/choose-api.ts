/**
 * Picks the StoreApi at startup: the Electron preload bridge (`window.tidemark`) when present,
 * otherwise the HTTP adapter against the origin that served the page.
 */
import type { StoreApi } from '../../src-core/model/store-api';
import { HttpStoreApi } from './http-adapter';

export function chooseApi(win: Window = window): StoreApi {
  if (win.tidemark) return win.tidemark;
  return new HttpStoreApi(win.location.origin, { local: win.localStorage, session: win.sessionStorage });
}
