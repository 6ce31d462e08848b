/**
 * The one way main registers IPC handlers. `registerHandlers` wraps every channel of the contract
 * so that, before a handler runs, (a) the sender is checked — its frame must be the top frame of
 * one of our windows and its URL must be the app's origin (trust.ts) — and (b) the argument list is
 * validated with the channel's tuple schema (model/signatures.ts `parseArgs`, whose message names
 * the parameter and field, an unknown field included); the handler's outcome is returned as an
 * `IpcResult` envelope. Errors become `{ code, message }` (our codes pass through; anything else is INTERNAL
 * with a generic message, never a stack). Written against a minimal injected interface instead of
 * Electron's `ipcMain`, so it is unit-tested without Electron; Electron's types satisfy it.
 */
import { TidemarkError, toErrorBody } from '../src-core/model/errors';
import { parseArgs } from '../src-core/model/signatures';
import {
  CHANNELS,
  CONTRACT,
  type ArgsOf,
  type Channel,
  type IpcResult,
  type PushChannel,
  type PushMap,
  type ResponseOf,
} from './ipc-contract';
import { isAppUrl, type AppOrigin } from './trust';

/** The part of a WebContents a handler may use: who it is, and a way to push to it. */
export interface SenderLike {
  readonly id: number;
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
  once(event: 'destroyed', listener: () => void): unknown;
}

export interface FrameLike {
  readonly url: string;
  readonly parent: unknown;
}

export interface InvokeEventLike {
  readonly sender: SenderLike;
  readonly senderFrame: FrameLike | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>): void;
}

/** What a handler knows about its caller. */
export interface HandlerContext {
  sender: SenderLike;
  /** Pushes a typed message to the calling window (dropped if it has closed). */
  push<P extends PushChannel>(channel: P, payload: PushMap[P]): void;
}

/** A channel's handler: the validated argument list, and who called. */
export type Handler<C extends Channel> = (
  args: ArgsOf<C>,
  ctx: HandlerContext,
) => Promise<ResponseOf<C>> | ResponseOf<C>;
export type Handlers = { [C in Channel]: Handler<C> };

export interface TrustPolicy {
  origin: AppOrigin;
  /** True when `webContentsId` belongs to one of our BrowserWindows. */
  isOurWindow(webContentsId: number): boolean;
}

/** Why a sender is refused, or null when it is trusted. */
export function senderProblem(event: InvokeEventLike, trust: TrustPolicy): string | null {
  if (!trust.isOurWindow(event.sender.id)) return 'the sender is not a Tidemark window';
  const frame = event.senderFrame;
  if (!frame) return 'the sender frame is gone';
  if (frame.parent !== null && frame.parent !== undefined) return 'only the top frame may call the app';
  if (!isAppUrl(frame.url, trust.origin)) return 'the sender page is not the Tidemark app';
  return null;
}

export function makeContext(sender: SenderLike): HandlerContext {
  return {
    sender,
    push(channel, payload) {
      if (!sender.isDestroyed()) sender.send(channel, payload);
    },
  };
}

/** Runs one call through the checks; exported for the in-process bridge tests. */
export async function dispatch<C extends Channel>(
  channel: C,
  handler: Handler<C>,
  trust: TrustPolicy,
  event: InvokeEventLike,
  args: unknown[],
): Promise<IpcResult<ResponseOf<C>>> {
  try {
    const problem = senderProblem(event, trust);
    if (problem) throw new TidemarkError('FORBIDDEN', `${channel}: ${problem}`);
    const parsed = parseArgs(channel, CONTRACT[channel], args) as ArgsOf<C>;
    const value = await handler(parsed, makeContext(event.sender));
    return { ok: true, value };
  } catch (err) {
    return { ok: false, error: toErrorBody(err) };
  }
}

/** Registers every channel of the contract; a missing handler is a type error. */
export function registerHandlers(ipc: IpcMainLike, handlers: Handlers, trust: TrustPolicy): void {
  for (const channel of CHANNELS) {
    const handler = handlers[channel] as Handler<Channel>;
    ipc.handle(channel, (event, ...args) => dispatch(channel, handler, trust, event, args));
  }
}
