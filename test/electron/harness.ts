/**
 * Runs the Electron main side without Electron, for integration tests: the real handlers
 * (electron/handlers.ts) registered through the real wrapper (ipc-handler.ts) on an in-memory
 * ipcMain, the real connection manager over real SQLite files in a temp "userData" folder (and
 * real HTTP servers when a test connects to one), real job workers (worker_threads running
 * job-worker.ts, registered with tsx), and the real preload bridge (bridge.ts) on top — so a test drives
 * exactly the `window.tidemark` a renderer would, minus the Electron process boundary. Only the
 * native dialogs are replaced, by answers the test chooses.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { hasErrorCode } from '../../src-core/model/errors';
import type { StoreApi } from '../../src-core/model/store-api';
import { createBridge, type BridgeTransport } from '../../electron/bridge';
import { ConnectionManager } from '../../electron/connections';
import { createHandlers, type Dialogs, type HandlerSet } from '../../electron/handlers';
import type { Channel, PushChannel } from '../../electron/ipc-contract';
import { registerHandlers, type SenderLike } from '../../electron/ipc-handler';
import { MemoryIpc } from './ipc-doubles';
import { JobRunner, type JobRunnerOptions } from '../../electron/jobs';
import { RecentStore, type SecretBox } from '../../electron/recent-store';
import { whoami } from '../../electron/server-url';
import { openDescriptor } from '../../electron/store-open';

/** Real AES-256-GCM with a per-run key: stands in for the OS keychain behind safeStorage. */
export class TestSecretBox implements SecretBox {
  private key = randomBytes(32);
  constructor(private available = true) {}
  isAvailable(): boolean {
    return this.available;
  }
  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return Buffer.concat([iv, c.getAuthTag(), body]).toString('base64');
  }
  decrypt(sealed: string): string {
    const buf = Buffer.from(sealed, 'base64');
    const d = createDecipheriv('aes-256-gcm', this.key, buf.subarray(0, 12));
    d.setAuthTag(buf.subarray(12, 28));
    return Buffer.concat([d.update(buf.subarray(28)), d.final()]).toString('utf8');
  }
}

/** The coded error `p` rejects with; fails when it resolves or rejects without a code. */
export async function rejection(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    if (hasErrorCode(e)) return e;
    throw new Error(`rejected without a code: ${String(e)}`);
  }
  throw new Error('expected a rejection');
}

/** The answers the "person" gives to native dialogs (null = cancel). */
export class ScriptedDialogs implements Dialogs {
  storeFile: string | null = null;
  exportFile: string | null = null;
  asked: string[] = [];
  async chooseStoreFile(create: boolean): Promise<string | null> {
    this.asked.push(create ? 'new-store' : 'open-store');
    return this.storeFile;
  }
  async chooseExportFile(defaultName: string): Promise<string | null> {
    this.asked.push(`export:${defaultName}`);
    return this.exportFile;
  }
}

class Window implements SenderLike {
  private listeners = new Map<string, Set<(p: unknown) => void>>();
  private destroyed = false;
  private onDestroyed: Array<() => void> = [];
  constructor(readonly id: number) {}
  send(channel: string, payload: unknown): void {
    // IPC delivers asynchronously and structured-clones the payload.
    const copy = structuredClone(payload);
    setImmediate(() => this.listeners.get(channel)?.forEach((l) => l(copy)));
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  once(_event: 'destroyed', listener: () => void): this {
    this.onDestroyed.push(listener);
    return this;
  }
  on(channel: string, listener: (p: unknown) => void): () => void {
    const set = this.listeners.get(channel) ?? new Set();
    set.add(listener);
    this.listeners.set(channel, set);
    return () => set.delete(listener);
  }
  destroy(): void {
    this.destroyed = true;
    for (const l of this.onDestroyed.splice(0)) l();
  }
}

/** A JobRunner whose workers run electron/job-worker.ts from source (registered with tsx). */
export function devJobRunner(opts: JobRunnerOptions = {}): JobRunner {
  const entry = new URL('../../electron/job-worker.ts', import.meta.url).href;
  const bootstrap = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
  return new JobRunner(bootstrap, { eval: true, progressEveryMs: 0, ...opts });
}

export interface Harness {
  api: StoreApi;
  dir: string;
  userData: string;
  dialogs: ScriptedDialogs;
  connections: ConnectionManager;
  recent: RecentStore;
  handlerSet: HandlerSet;
  /** Files whose path the fake `webUtils.getPathForFile` knows (as if picked in a dialog). */
  pickedFiles: Map<Blob, string>;
  closeWindow(): void;
  close(): Promise<void>;
}

export async function startHarness(opts: { secrets?: SecretBox } = {}): Promise<Harness> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tidemark-electron-'));
  const userData = path.join(dir, 'userData');
  const rendererDir = path.join(dir, 'app', 'dist', 'renderer');
  mkdirSync(userData, { recursive: true });
  const recent = new RecentStore(path.join(userData, 'connections.json'), opts.secrets ?? new TestSecretBox());
  const connections = new ConnectionManager(
    recent,
    { open: async (desc) => openDescriptor(desc), whoami: (url, token) => whoami(url, token) },
    path.join(userData, 'tidemark.db'),
  );
  await connections.openAtStartup();
  const dialogs = new ScriptedDialogs();
  const jobs = devJobRunner();
  const handlerSet = createHandlers({ connections, jobs, dialogs, tailPollMs: 50 });
  const ipc = new MemoryIpc();
  const win = new Window(1);
  registerHandlers(ipc, handlerSet.handlers, {
    origin: { kind: 'file', rendererDir },
    isOurWindow: (id) => id === win.id,
  });
  const frame = { url: pathToFileURL(path.join(rendererDir, 'index.html')).href, parent: null };
  const pickedFiles = new Map<Blob, string>();
  const transport: BridgeTransport = {
    async invoke(channel: Channel, args: readonly unknown[]) {
      const l = ipc.listeners.get(channel);
      if (!l) throw new Error(`no handler for ${channel}`);
      // The renderer -> main hop structured-clones each argument, as Electron's IPC does.
      return structuredClone(await l({ sender: win, senderFrame: frame }, ...structuredClone(args)));
    },
    on: (channel: PushChannel, listener) => win.on(channel, listener),
    pathForFile: (file) => pickedFiles.get(file) ?? '',
  };
  return {
    api: createBridge(transport),
    dir,
    userData,
    dialogs,
    connections,
    recent,
    handlerSet,
    pickedFiles,
    closeWindow: () => win.destroy(),
    async close() {
      handlerSet.dispose();
      await jobs.stopAll();
      await connections.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
