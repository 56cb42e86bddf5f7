/** `freePort` never hands out a port twice: two members of one fleet never share one. */
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort, freePortRun, LOOPBACK } from '../../../src/infra/ports.ts';

describe('freePort', () => {
  it('gives distinct ports, each bindable, over many calls', async () => {
    const ports: number[] = [];
    for (let i = 0; i < 400; i++) ports.push(await freePort());
    expect(new Set(ports).size).toBe(ports.length);
    const last = ports[ports.length - 1] as number;
    await new Promise<void>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(last, LOOPBACK, () => server.close(() => resolve()));
    });
  });
});

describe('freePortRun', () => {
  it('gives a base whose run of ports is free and never handed out again', async () => {
    const base = await freePortRun(4);
    const later: number[] = [];
    for (let i = 0; i < 400; i++) later.push(await freePort());
    for (const port of [base, base + 1, base + 2, base + 3]) expect(later).not.toContain(port);
    for (const port of [base + 1, base + 2, base + 3]) {
      await new Promise<void>((resolve, reject) => {
        const server = createServer();
        server.once('error', reject);
        server.listen(port, LOOPBACK, () => server.close(() => resolve()));
      });
    }
  });
});
