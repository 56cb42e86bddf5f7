/**
 * A watchdog for services started on behalf of a process that may die without cleaning up
 * (a test runner killed by a timeout or Ctrl-C twice). When the owner is gone, it SIGKILLs
 * every process recorded by a pid file under `root` whose working directory is inside
 * `root`, then deletes `root` — the role Ryuk plays for testcontainers.
 */
import { spawn } from 'node:child_process';

export interface OrphanReaperOptions {
  /** The process whose death releases the services. */
  ownerPid: number;
  /** Holds the services' data dirs and pid files; deleted when the owner dies. */
  root: string;
  /** How often the owner is checked. @defaultValue 1 */
  intervalSeconds?: number;
}

export interface OrphanReaper {
  /** Ends the watchdog without touching anything: the owner cleaned up itself. */
  stop(): void;
}

// A zombie owner (dead, not reaped: possible when PID 1 does not reap) counts as dead.
const SCRIPT = `
owner="$1"; root="$2"; interval="$3"
alive() { kill -0 "$owner" 2>/dev/null && [ "$(sed 's/.*) //' "/proc/$owner/stat" 2>/dev/null | cut -c1)" != Z ]; }
while alive; do sleep "$interval"; done
find "$root" -name '*.pid' 2>/dev/null | while read -r file; do
  pid="$(cat "$file" 2>/dev/null)"
  case "$(readlink "/proc/$pid/cwd" 2>/dev/null)" in "$root"/*) kill -9 "$pid" 2>/dev/null ;; esac
done
rm -rf "$root"
`;

export function startOrphanReaper(options: OrphanReaperOptions): OrphanReaper {
  const child = spawn(
    '/bin/sh',
    [
      '-c',
      SCRIPT,
      'holdfast-orphan-reaper',
      String(options.ownerPid),
      options.root,
      String(options.intervalSeconds ?? 1),
    ],
    { detached: true, stdio: 'ignore' },
  );
  child.unref();
  return {
    stop: () => {
      if (child.pid !== undefined && child.exitCode === null) {
        try {
          process.kill(child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    },
  };
}
