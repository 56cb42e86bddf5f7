/** Free loopback ports chosen at run time, so that suites and stacks run side by side. */
import { createServer } from 'node:net';

export const LOOPBACK = '127.0.0.1';

/**
 * Ports this process has handed out. A port is free when asked for, but whoever gets it
 * binds it only later (a spawned gateway, seconds later): until then the OS may pick the
 * same port again, and two members of one fleet would be given one port. Never twice.
 */
const handedOut = new Set<number>();

/** A port nothing listens on right now, never one this process handed out before. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = await unusedPort();
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error('no free port the OS would give that was not already handed out');
}

/**
 * `count` consecutive free ports, none handed out before, for a command that numbers its
 * members' ports from a base (`holdfast dev`: the first gateway's PORT, the next for the
 * second). Returns the first.
 */
export async function freePortRun(count: number): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const base = await freePort();
    const rest = Array.from({ length: count - 1 }, (_, i) => base + 1 + i);
    if (rest.some((port) => port > 65_535 || handedOut.has(port))) continue;
    if (!(await Promise.all(rest.map(isPortFree))).every(Boolean)) continue;
    for (const port of rest) handedOut.add(port);
    return base;
  }
  throw new Error(`no run of ${count} free ports found`);
}

/** The OS's pick of a port nobody listens on (the race with other processes is unlikely). */
function unusedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port assigned'));
      });
    });
  });
}

/** True when `port` can be bound on loopback now. */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, LOOPBACK, () => server.close(() => resolve(true)));
  });
}

/** `previous` when it is still free (a restarted stack keeps its addresses), else a free port. */
export async function reusablePort(previous: number | undefined): Promise<number> {
  return previous !== undefined && (await isPortFree(previous)) ? previous : freePort();
}
