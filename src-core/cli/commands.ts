/**
 * The list of subcommands. Each entry adds one command to the program; keep one command per file.
 */
import type { Command } from 'commander';
import { registerBench } from './bench';
import { registerBackup } from './backup';
import { registerCompare } from './compare';
import { registerCompletion } from './completion';
import { registerCopy } from './copy';
import { registerDiff } from './diff';
import { registerInvalidate } from './invalidate';
import { registerRead } from './read';
import { registerRepublish } from './republish';
import { registerServe } from './serve';
import { registerSurface } from './surface';
import { registerTopics } from './topics';
import { registerTxns } from './txns';
import { registerVerify } from './verify';
import { registerWrite } from './write';

export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [
  registerWrite,
  registerRead,
  registerSurface,
  registerTxns,
  registerTopics,
  registerInvalidate,
  registerRepublish,
  registerDiff,
  // integrity: copy, compare and backup
  registerCopy,
  registerCompare,
  registerBackup,
  registerVerify,
  registerBench,
  registerServe,
  registerCompletion,
];
