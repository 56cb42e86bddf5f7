/**
 * Process entry of the `sync` baseline's gateway: the real Holdfast gateway (same
 * configuration as `holdfast gateway`) with its command path swapped for HTTP calls to
 * the reservation service at HOLDFAST_SYNC_URL.
 */
import { z } from 'zod';
import { runUntilSignal } from '../../src/cli/signals.ts';
import { parseEnv } from '../../src/config/env.ts';
import { loadGatewayConfig } from '../../src/config/gateway.ts';
import { startGateway } from '../../src/gateway/gateway.ts';
import { HttpCommandPath } from './http-command-path.ts';

const { HOLDFAST_SYNC_URL } = parseEnv({ HOLDFAST_SYNC_URL: z.string().url() }, process.env);
const gateway = await startGateway(loadGatewayConfig(process.env), {
  commandPath: (sink) => new HttpCommandPath(HOLDFAST_SYNC_URL, sink),
});
process.stderr.write(`sync gateway ${gateway.gatewayId} listening on ${gateway.url}\n`);
await runUntilSignal(() => gateway.stop());
