/**
 * The CLI's command list. Each command lives in its own module exporting `register(program)`;
 * add a new command by importing its register function here (keep the list sorted).
 */
import type { Command } from 'commander';

export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [];
