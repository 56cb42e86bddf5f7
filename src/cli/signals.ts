/**
 * Long-running commands stop on SIGTERM or SIGINT: `stop` runs once; a second signal, or a
 * stop that takes longer than `graceMs`, exits at once with a non-zero code.
 */
export function runUntilSignal(stop: () => Promise<void>, graceMs = 30_000): Promise<void> {
  return new Promise((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        process.stderr.write(`holdfast: ${signal} again; exiting now\n`);
        process.exit(130);
      }
      stopping = true;
      const force = setTimeout(() => {
        process.stderr.write(`holdfast: graceful stop took over ${graceMs} ms; exiting\n`);
        process.exit(1);
      }, graceMs);
      force.unref();
      stop()
        .catch((error: unknown) => {
          process.stderr.write(`holdfast: stop failed: ${String(error)}\n`);
          process.exitCode = 1;
        })
        .finally(() => {
          clearTimeout(force);
          resolve();
        });
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  });
}
