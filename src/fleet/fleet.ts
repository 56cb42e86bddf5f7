/**
 * Holdfast processes started by a deployment (`holdfast dev`, benchmarks, chaos, tests):
 * each a real `holdfast <command>` child with its own environment, ready when its `/readyz`
 * (on its admin port) answers 200, stopped with SIGTERM (SIGKILL after a grace period), and measurable (CPU).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ERROR_CODES, HoldfastError } from '../contract/errors.ts';

const CLI = fileURLToPath(new URL('../../bin/holdfast.js', import.meta.url));

export type MemberKind = 'worker' | 'gateway';

export interface FleetMember {
  readonly name: string;
  readonly kind: MemberKind;
  /** The gateway's public PORT; the worker's metrics port. */
  readonly port: number;
  /** Port serving `/readyz` and `/metrics` (the gateway's admin port; the worker's metrics port). */
  readonly adminPort: number;
  readonly child: ChildProcess;
  readonly pid: number;
  exited(): boolean;
  /** Its last lines of output (kept unless its output is inherited): why it exited, if it did. */
  recentOutput(): readonly string[];
}

/** How many of a member's last output lines are kept for a failure's message. */
const RECENT_LINES = 20;

export interface SpawnMemberOptions {
  name: string;
  kind: MemberKind;
  port: number;
  /**
   * A gateway's private admin port (`HOLDFAST_METRICS_PORT`), where its readiness is asked;
   * required for `holdfast gateway`. A script without one serves `/readyz` on `port`.
   */
  adminPort?: number | undefined;
  env: Readonly<Record<string, string | undefined>>;
  /** Where the member's stdout/stderr (JSON logs) go. @defaultValue 'ignore' */
  output?: 'ignore' | 'inherit' | ((line: string) => void) | undefined;
  /** A TypeScript file run through tsx instead of `holdfast <kind>` (benchmark baselines); it gets its port as PORT. */
  script?: string | undefined;
}

export function spawnMember(options: SpawnMemberOptions): FleetMember {
  // A script (benchmark baseline) gets its port as PORT, whatever its kind.
  const portVar = options.kind === 'gateway' || options.script ? 'PORT' : 'HOLDFAST_METRICS_PORT';
  if (options.kind === 'gateway' && !options.script && options.adminPort === undefined) {
    throw new HoldfastError(
      ERROR_CODES.USAGE,
      `${options.name}: a gateway needs an adminPort (its /readyz and /metrics are there)`,
    );
  }
  const ports: Record<string, string> = { [portVar]: String(options.port) };
  if (options.adminPort !== undefined) ports.HOLDFAST_METRICS_PORT = String(options.adminPort);
  const output = options.output ?? 'ignore';
  const args = options.script ? ['--import', 'tsx', options.script] : [CLI, options.kind];
  const piped = output === 'inherit' ? 'inherit' : 'pipe';
  const child = spawn(process.execPath, args, {
    env: { ...options.env, ...ports },
    stdio: ['ignore', piped, piped],
  });
  // Even output nobody asked for is kept a little: a member that exits at start says why.
  const recent: string[] = [];
  const line = (text: string) => {
    recent.push(text);
    if (recent.length > RECENT_LINES) recent.shift();
    if (typeof output === 'function') output(text);
  };
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      buffered += chunk;
      let newline = buffered.indexOf('\n');
      while (newline >= 0) {
        line(buffered.slice(0, newline));
        buffered = buffered.slice(newline + 1);
        newline = buffered.indexOf('\n');
      }
    });
  }
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  if (child.pid === undefined) {
    throw new HoldfastError(
      ERROR_CODES.INFRA_START_FAILED,
      `could not start ${options.script ?? `holdfast ${options.kind}`}`,
    );
  }
  return {
    name: options.name,
    kind: options.kind,
    port: options.port,
    adminPort: options.adminPort ?? options.port,
    child,
    pid: child.pid,
    exited: () => exited,
    recentOutput: () => recent,
  };
}

/** Resolves once the member's `/readyz` answers 200; fails if it exits or the time runs out. */
export async function waitReady(member: FleetMember, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (member.exited()) {
      throw new HoldfastError(
        ERROR_CODES.INFRA_START_FAILED,
        `${member.name} exited before it was ready (exit code ${member.child.exitCode}); its last output:\n${member.recentOutput().slice(-10).join('\n')}`,
        {
          context: { member: member.name, exitCode: member.child.exitCode },
        },
      );
    }
    try {
      const res = await fetch(`http://127.0.0.1:${member.adminPort}/readyz`, {
        signal: AbortSignal.timeout(1000),
      });
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      throw new HoldfastError(
        ERROR_CODES.TIMEOUT,
        `${member.name} not ready within ${timeoutMs} ms`,
        {
          retriable: true,
          context: { member: member.name },
        },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
export async function stopMember(member: FleetMember, graceMs = 30_000): Promise<void> {
  if (member.exited()) return;
  const exit = new Promise<void>((resolve) => member.child.once('exit', () => resolve()));
  // A frozen member (SIGSTOP, a chaos fault) would not see SIGTERM until resumed.
  member.child.kill('SIGCONT');
  member.child.kill('SIGTERM');
  const timer = setTimeout(() => member.child.kill('SIGKILL'), graceMs);
  await exit;
  clearTimeout(timer);
}

/** CPU seconds (user + system) a process has used so far, from /proc; undefined elsewhere. */
export async function cpuSeconds(pid: number): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return ticks / 100;
  } catch {
    return undefined;
  }
}
