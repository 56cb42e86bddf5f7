/**
 * Where each service comes from, in the order of docs/design.md §6.8: an address from the
 * environment; else a Docker engine (only if one actually answers); else local processes.
 * The engine probe is injected, so the order is testable on machines without Docker.
 */
import type { KafkaSecurity, RedisTls } from '../config/security.ts';

export type Provider = 'env' | 'docker' | 'local';

export type KafkaSource =
  | { provider: 'env'; brokers: readonly string[]; security?: KafkaSecurity | undefined }
  | { provider: 'docker' | 'local' };
export type RedisSource =
  | { provider: 'env'; url: string; tls?: RedisTls | undefined }
  | { provider: 'docker' | 'local' };

export interface InfraPlan {
  kafka: KafkaSource;
  redis: RedisSource;
}

export interface PlanInput {
  /** Already validated addresses (see `infraEnvShape`); absent means "provision it". */
  kafkaBrokers?: readonly string[] | undefined;
  redisUrl?: string | undefined;
  /** How to log in to the environment's Kafka and reach its Redis over TLS. */
  kafkaSecurity?: KafkaSecurity | undefined;
  redisTls?: RedisTls | undefined;
  /** Resolves true when a container engine answers; a throw counts as "no engine". */
  dockerEngineAnswers: () => Promise<boolean>;
}

export async function planInfrastructure(input: PlanInput): Promise<InfraPlan> {
  const kafkaFromEnv = input.kafkaBrokers !== undefined && input.kafkaBrokers.length > 0;
  const redisFromEnv = input.redisUrl !== undefined && input.redisUrl !== '';
  // Asked only when something must be provisioned: the env path never touches Docker.
  const fallback: 'docker' | 'local' =
    kafkaFromEnv && redisFromEnv
      ? 'local'
      : (await input.dockerEngineAnswers().catch(() => false))
        ? 'docker'
        : 'local';
  return {
    kafka:
      kafkaFromEnv && input.kafkaBrokers !== undefined
        ? { provider: 'env', brokers: input.kafkaBrokers, security: input.kafkaSecurity }
        : { provider: fallback },
    redis:
      redisFromEnv && input.redisUrl !== undefined
        ? { provider: 'env', url: input.redisUrl, tls: input.redisTls }
        : { provider: fallback },
  };
}
