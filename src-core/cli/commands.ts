/**
 * The list of subcommands. Each entry adds one command to the program; keep one command per file.
 */
import type { Command } from 'commander';

export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [];
