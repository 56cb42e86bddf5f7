import { describe, expect, it } from 'vitest';
import { planInfrastructure } from '../../../src/infra/resolve.ts';

/** An engine probe that answers `answer` and counts how often it was asked. */
function probe(answer: boolean | Error) {
  const calls = { count: 0 };
  const ask = async () => {
    calls.count += 1;
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return { ask, calls };
}

describe('planInfrastructure: env, then a Docker engine, then local processes', () => {
  it('uses KAFKA_BROKERS and REDIS_URL when both are given, without asking for an engine', async () => {
    const engine = probe(true);
    const plan = await planInfrastructure({
      kafkaBrokers: ['10.0.0.1:9092', '10.0.0.2:9092'],
      redisUrl: 'redis://10.0.0.3:6380',
      dockerEngineAnswers: engine.ask,
    });
    expect(plan).toEqual({
      kafka: { provider: 'env', brokers: ['10.0.0.1:9092', '10.0.0.2:9092'] },
      redis: { provider: 'env', url: 'redis://10.0.0.3:6380' },
    });
    expect(engine.calls.count).toBe(0);
  });

  it('provisions through Docker when an engine answers', async () => {
    const engine = probe(true);
    const plan = await planInfrastructure({ dockerEngineAnswers: engine.ask });
    expect(plan).toEqual({ kafka: { provider: 'docker' }, redis: { provider: 'docker' } });
    expect(engine.calls.count).toBe(1);
  });

  it('falls back to local processes when no engine answers', async () => {
    const plan = await planInfrastructure({ dockerEngineAnswers: probe(false).ask });
    expect(plan).toEqual({ kafka: { provider: 'local' }, redis: { provider: 'local' } });
  });

  it('treats a failing probe as no engine', async () => {
    const plan = await planInfrastructure({
      dockerEngineAnswers: probe(new Error('Could not find a working container runtime strategy'))
        .ask,
    });
    expect(plan).toEqual({ kafka: { provider: 'local' }, redis: { provider: 'local' } });
  });

  it('resolves each service on its own: env for one, the fallback for the other', async () => {
    const kafkaOnly = await planInfrastructure({
      kafkaBrokers: ['127.0.0.1:9092'],
      dockerEngineAnswers: probe(false).ask,
    });
    expect(kafkaOnly).toEqual({
      kafka: { provider: 'env', brokers: ['127.0.0.1:9092'] },
      redis: { provider: 'local' },
    });
    const redisOnly = await planInfrastructure({
      redisUrl: 'redis://127.0.0.1:6390',
      dockerEngineAnswers: probe(true).ask,
    });
    expect(redisOnly).toEqual({
      kafka: { provider: 'docker' },
      redis: { provider: 'env', url: 'redis://127.0.0.1:6390' },
    });
  });

  it('treats empty values as unset', async () => {
    const plan = await planInfrastructure({
      kafkaBrokers: [],
      redisUrl: '',
      dockerEngineAnswers: probe(false).ask,
    });
    expect(plan).toEqual({ kafka: { provider: 'local' }, redis: { provider: 'local' } });
  });
});
