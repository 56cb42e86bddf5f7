import type { Command } from 'commander';
import { registerDevCommand } from './dev.ts';
import { registerInfraCommand } from './infra.ts';

/** Every `holdfast` subcommand, one module each. */
export function registerCommands(program: Command): void {
  registerInfraCommand(program);
  registerDevCommand(program);
}
