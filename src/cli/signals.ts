/**
 * Long-running commands stop on SIGTERM or SIGINT. The handlers are in place before the
 * service starts, so a signal during a slow start (joining the group, loading snapshots) is
 * not the default abrupt exit: the service stops as soon as it has started. `stop` runs
 * once; a second signal, or a stop that takes longer than `graceMs`, exits at once with a
 * non-zero code.
 */
export interface Stoppable {
  stop(): Promise<void>;
}

export async function runService(start: () => Promise<Stoppable>, graceMs = 30_000): Promise<void> {
  let signalled: NodeJS.Signals | undefined;
  let service: Stoppable | undefined;
  let stopping: Promise<void> | undefined;
  let stopped!: () => void;
  const done = new Promise<void>((resolve) => {
    stopped = resolve;
  });

  const stop = (running: Stoppable) => {
    stopping ??= (async () => {
      const force = setTimeout(() => {
        process.stderr.write(`holdfast: graceful stop took over ${graceMs} ms; exiting\n`);
        process.exit(1);
      }, graceMs);
      force.unref();
      try {
        await running.stop();
      } catch (error) {
        process.stderr.write(`holdfast: stop failed: ${String(error)}\n`);
        process.exitCode = 1;
      } finally {
        clearTimeout(force);
        stopped();
      }
    })();
    return stopping;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      process.stderr.write(`holdfast: ${signal} again; exiting now\n`);
      process.exit(130);
    }
    signalled = signal;
    if (service) void stop(service);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    service = await start();
  } catch (error) {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    throw error;
  }
  if (signalled) void stop(service);
  await done;
  process.off('SIGTERM', onSignal);
  process.off('SIGINT', onSignal);
}

/** For a service already started: waits for SIGTERM or SIGINT, then runs `stop` once. */
export function runUntilSignal(stop: () => Promise<void>, graceMs = 30_000): Promise<void> {
  return runService(async () => ({ stop }), graceMs);
}
