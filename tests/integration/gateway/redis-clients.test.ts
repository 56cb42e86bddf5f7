/**
 * The gateway's Redis clients against a real Redis: a publish the adapter fires and forgets
 * that fails (here: the client is gone before the pipelined command leaves) is logged, never
 * an unhandled rejection, which would end the gateway's process.
 */
import { pino } from 'pino';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { connectGatewayRedis, type GatewayRedis } from '../../../src/gateway/redis-clients.ts';

let clients: GatewayRedis | undefined;
afterEach(async () => {
  clients?.pub.disconnect();
  clients?.sub.disconnect();
  clients?.data.disconnect();
  clients = undefined;
});

describe('connectGatewayRedis', () => {
  it('logs a publish that fails instead of leaving its rejection unhandled', async () => {
    const logger = pino({ level: 'silent' });
    const warn = vi.spyOn(logger, 'warn');
    clients = await connectGatewayRedis({
      url: inject('redisUrl'),
      tls: undefined,
      gatewayId: 'gw-test',
      logger,
    });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      // As the adapter does: publish, keep no handle on the reply. The client then goes
      // before its pipelined command is sent.
      void clients.pub.publish('holdfast-test', 'lost');
      clients.pub.disconnect();
      await vi.waitFor(() =>
        expect(warn).toHaveBeenCalledWith(
          expect.objectContaining({ err: expect.any(Error) }),
          'a broadcast or server-to-server message was not published',
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('still delivers what it publishes', async () => {
    clients = await connectGatewayRedis({
      url: inject('redisUrl'),
      tls: undefined,
      gatewayId: 'gw-test',
      logger: pino({ level: 'silent' }),
    });
    const listener = clients.sub;
    const received = new Promise<string>((resolve) =>
      listener.on('message', (_channel: string, message: string) => resolve(message)),
    );
    await listener.subscribe('holdfast-test-ok');
    await clients.pub.publish('holdfast-test-ok', 'hello');
    await expect(received).resolves.toBe('hello');
  });
});
