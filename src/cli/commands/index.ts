import type { Command } from 'commander';
import { registerDevCommand } from './dev.ts';
import { registerGatewayCommand } from './gateway.ts';
import { registerInfraCommand } from './infra.ts';
import { registerSeatCommand } from './seat.ts';
import { registerSeatsCommand } from './seats.ts';
import { registerShowsCommand } from './shows.ts';
import { registerTokenCommand } from './token.ts';
import { registerWorkerCommand } from './worker.ts';

/** Every `holdfast` subcommand, one module each. */
export function registerCommands(program: Command): void {
  registerInfraCommand(program);
  registerDevCommand(program);
  registerWorkerCommand(program);
  registerShowsCommand(program);
  registerSeatCommand(program);
  registerSeatsCommand(program);
  registerGatewayCommand(program);
  registerTokenCommand(program);
}
