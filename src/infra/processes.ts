/**
 * Detached child processes that outlive the one that started them: the local broker and
 * Redis. They hold none of our stdio (so `$(holdfast infra up)` returns), write to a log
 * file, and are found again later through a pid file and their command line.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { ERROR_CODES, HoldfastError } from '../contract/errors.ts';

/** How long a SIGTERM may take before SIGKILL follows. */
export const STOP_GRACE_MS = 20_000;
const POLL_MS = 100;

export interface DetachedSpawn {
  command: string;
  args: readonly string[];
  cwd: string;
  /** stdout and stderr of the child are appended here. */
  logFile: string;
  pidFile: string;
}

/** Starts `command` in its own process group, with no stdio of ours, and records its pid. */
export async function spawnDetached(options: DetachedSpawn): Promise<number> {
  const logFd = openSync(options.logFile, 'a');
  try {
    const child = spawn(options.command, [...options.args], {
      cwd: options.cwd,
      detached: true,
      stdio: ['ignore', logFd, logFd],
    });
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('spawn', () => {
        if (child.pid === undefined) reject(new Error(`${options.command} started without a pid`));
        else resolve(child.pid);
      });
    });
    child.unref();
    await writeFile(options.pidFile, `${pid}\n`);
    return pid;
  } finally {
    closeSync(logFd);
  }
}

export async function readPidFile(pidFile: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt(await readFile(pidFile, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * True while `pid` runs. A zombie counts as exited: in a container whose init does not
 * reap, an exited broker would otherwise look alive forever.
 */
export async function isAlive(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The state letter follows the parenthesised command name, which may contain spaces.
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc (macOS): signal 0 is all we have
  }
}

/**
 * True when `pid` runs and its command line contains one of `markers` (e.g. its config
 * path), so that a recycled pid never gets our signals.
 */
export async function isOurProcess(pid: number, ...markers: readonly string[]): Promise<boolean> {
  if (!(await isAlive(pid))) return false;
  try {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    return markers.some((marker) => cmdline.includes(marker));
  } catch {
    return true;
  }
}

export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (await isAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(POLL_MS);
  }
  return true;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** SIGTERM (a controlled shutdown), SIGKILL after `graceMs`; returns once the process is gone. */
export async function terminate(pid: number, graceMs = STOP_GRACE_MS): Promise<void> {
  signal(pid, 'SIGTERM');
  if (await waitForExit(pid, graceMs)) return;
  await kill(pid);
}

/** How long the kernel may take to tear down a SIGKILLed process before we call it stuck. */
const KILL_WAIT_MS = 10_000;

/** SIGKILL — the crash of fault tests; returns once the process is gone. */
export async function kill(pid: number): Promise<void> {
  signal(pid, 'SIGKILL');
  if (!(await waitForExit(pid, KILL_WAIT_MS))) {
    throw new HoldfastError(ERROR_CODES.TIMEOUT, `process ${pid} survived SIGKILL`, {
      context: { pid },
    });
  }
}

/** Control of one local service process that a pid file and its markers identify. */
export interface ProcessControl {
  /** The pid of the running process, if it runs and is ours (not a reused pid). */
  pid(): Promise<number | undefined>;
  /** True when our process runs (it may still be starting). */
  isRunning(): Promise<boolean>;
  /** SIGTERM, SIGKILL after 20 s; resolves once the process has exited. */
  stop(): Promise<void>;
  /** SIGKILL, as a crash; resolves once the process has exited. */
  kill(): Promise<void>;
  /** Stops it if it runs, then launches it again on the same ports and data; waits until ready. */
  restart(): Promise<void>;
}

/**
 * The control of the process whose pid `pidFile` holds while `isOurProcess` recognises it by
 * `markers`; `launch` starts it again (and waits until it is ready).
 */
export function processControl(
  pidFile: string,
  markers: readonly string[],
  launch: () => Promise<unknown>,
): ProcessControl {
  const runningPid = async () => {
    const pid = await readPidFile(pidFile);
    return pid !== undefined && (await isOurProcess(pid, ...markers)) ? pid : undefined;
  };
  const stop = async () => {
    const pid = await runningPid();
    if (pid !== undefined) await terminate(pid);
  };
  return {
    pid: runningPid,
    isRunning: async () => (await runningPid()) !== undefined,
    stop,
    kill: async () => {
      const pid = await runningPid();
      if (pid !== undefined) await kill(pid);
    },
    restart: async () => {
      await stop();
      await launch();
    },
  };
}
