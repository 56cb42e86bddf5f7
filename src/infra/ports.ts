/** Free loopback ports chosen at run time, so that suites and stacks run side by side. */
import { createServer } from 'node:net';

export const LOOPBACK = '127.0.0.1';

/** A port nothing listens on right now (the OS picks it; a race with others is unlikely). */
export function freePort(): Promise<number> {
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
