// Preloaded with `--import` (BENCH_CPU_PROF): a V8 CPU profile of the whole process, written
// to $BENCH_CPU_PROF/<title>-<pid>.cpuprofile when it exits. `--cpu-prof` itself is not
// allowed in NODE_OPTIONS, and fleet members are spawned without exec arguments.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

const dir = process.env.BENCH_CPU_PROF;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  session.post('Profiler.start');
  process.once('exit', () => {
    // A same-thread inspector session answers synchronously: safe inside 'exit'.
    session.post('Profiler.stop', (error, result) => {
      if (error || !result) return;
      const name = `${
        process.argv
          .slice(2)
          .join('-')
          .replace(/[^\w.-]+/g, '_') || 'node'
      }-${process.pid}.cpuprofile`;
      writeFileSync(join(dir, name), JSON.stringify(result.profile));
    });
  });
}
