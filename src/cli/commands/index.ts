import type { Command } from 'commander';

/** Every `holdfast` subcommand, one module each. */
export function registerCommands(_program: Command): void {}
