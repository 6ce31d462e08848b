/**
 * Stand-ins for Electron's side of IPC in tests that run without Electron: an in-memory ipcMain
 * that records the listeners `registerHandlers` installs and invokes them as a renderer would, a
 * sender (webContents) that records what main pushes to it, and an invoke event from the app's
 * page (or any other URL, window or frame) for the wrapper's sender checks.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { IpcResult } from '../../electron/ipc-contract';
import type { InvokeEventLike, IpcMainLike, SenderLike } from '../../electron/ipc-handler';

export const rendererDir = path.resolve('/opt/tidemark/dist/renderer');
export const appUrl = pathToFileURL(path.join(rendererDir, 'index.html')).href;

export class FakeSender implements SenderLike {
  sent: Array<[string, unknown]> = [];
  constructor(readonly id: number) {}
  send(channel: string, payload: unknown): void {
    this.sent.push([channel, payload]);
  }
  isDestroyed(): boolean {
    return false;
  }
  once(): this {
    return this;
  }
}

/** An in-memory ipcMain: records listeners and lets the test invoke them like a renderer would. */
export class MemoryIpc implements IpcMainLike {
  listeners = new Map<string, (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>>();
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>): void {
    if (this.listeners.has(channel)) throw new Error(`second handler for ${channel}`);
    this.listeners.set(channel, listener);
  }
  async invoke(channel: string, event: InvokeEventLike, ...args: unknown[]): Promise<IpcResult<unknown>> {
    const l = this.listeners.get(channel);
    if (!l) throw new Error(`no handler for ${channel}`);
    return (await l(event, ...args)) as IpcResult<unknown>;
  }
}

/** An invoke from the top frame at `url` of the window `senderId` (1 is ours in the tests). */
export function eventFrom(url: string, senderId = 1, parent: unknown = null): InvokeEventLike {
  return { sender: new FakeSender(senderId), senderFrame: { url, parent } };
}
