/**
 * The preload script (bundled as CommonJS: sandboxed preloads cannot be ES modules). It exposes
 * exactly one object, `window.tidemark`, the StoreApi built by bridge.ts over `ipcRenderer.invoke`
 * (a method's arguments become the invoke's arguments, on the channel of the method's name) and the
 * push channels. Neither ipcRenderer, nor Node, nor any Electron object is exposed; a File
 * is turned into its on-disk path here (webUtils) so main can stream a picked or dropped snapshot.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import type { StoreApi } from '../src-core/model/store-api';
import { createBridge } from './bridge';

const api = createBridge({
  invoke: (channel, args) => ipcRenderer.invoke(channel, ...args),
  on(channel, listener) {
    const wrapped = (_event: IpcRendererEvent, payload: unknown): void => listener(payload);
    ipcRenderer.on(channel, wrapped);
    return () => {
      ipcRenderer.removeListener(channel, wrapped);
    };
  },
  pathForFile: (file) => (file instanceof File ? webUtils.getPathForFile(file) : ''),
}) satisfies StoreApi;

contextBridge.exposeInMainWorld('tidemark', api);
