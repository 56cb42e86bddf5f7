/**
 * The deployment files must agree with the code they deploy: every YAML document parses;
 * every environment variable is one the code reads, and the configuration each container
 * gets loads with the code's own loaders; probes ask the routes and ports the processes
 * serve; KEDA watches the real group and topic and stops at the partition count; images and
 * commands are the same everywhere; PDBs and the Service select pods that exist.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { type Env, kafkaShape, parseEnv } from '../../../src/config/env.ts';
import { loadGatewayConfig } from '../../../src/config/gateway.ts';
import { loadWorkerConfig } from '../../../src/config/worker.ts';
import { groupNames, topicNames } from '../../../src/kafka/topics.ts';

const root = new URL('../../../', import.meta.url);
const k8sDir = new URL('deploy/k8s/', root);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

// biome-ignore lint/suspicious/noExplicitAny: Kubernetes objects are walked by field name.
type K8s = any;

const files = readdirSync(k8sDir).filter((f) => f.endsWith('.yaml'));
const objects: K8s[] = files.flatMap((file) =>
  parseAllDocuments(readFileSync(new URL(file, k8sDir), 'utf8')).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]?.message}`);
    return doc.toJS();
  }),
);
const resources = objects.filter((o) => o?.kind !== 'Kustomization');
const find = (kind: string, name: string): K8s => {
  const found = resources.find((o) => o.kind === kind && o.metadata?.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in deploy/k8s`);
  return found;
};

const configMap = find('ConfigMap', 'holdfast-config');
const secret = find('Secret', 'holdfast-jwt');
const workers = find('Deployment', 'holdfast-worker');
const gateways = find('Deployment', 'holdfast-gateway');
const container = (deployment: K8s): K8s => deployment.spec.template.spec.containers[0];

/** Every variable name the loader asks for: the code's own list, read through a Proxy. */
function variablesRead(load: (env: Env) => unknown): Set<string> {
  const seen = new Set<string>();
  const env = new Proxy({} as Env, {
    get: (_target, key) => {
      if (typeof key === 'string') seen.add(key);
      return undefined;
    },
  });
  try {
    load(env);
  } catch {
    // Required variables are missing here on purpose: only the names matter.
  }
  return seen;
}

/** The environment a container of `deployment` starts with, as Kubernetes would build it. */
function containerEnv(deployment: K8s): Record<string, string> {
  const env: Record<string, string> = {};
  const c = container(deployment);
  for (const source of c.envFrom ?? []) {
    if (source.configMapRef) {
      expect(source.configMapRef.name).toBe(configMap.metadata.name);
      Object.assign(env, configMap.data);
    }
    if (source.secretRef) {
      expect(source.secretRef.name).toBe(secret.metadata.name);
      // The committed secret is a placeholder the code refuses (tested below): stand in a
      // real one of the same keys.
      for (const key of Object.keys(secret.stringData))
        env[key] = 'k7Qx2-fLp9Zr4-Wm8Vt3-Hy6Bn1-Jc5Ds0-Pe2Gu8Ao';
    }
  }
  for (const entry of c.env ?? []) {
    if (entry.value !== undefined) env[entry.name] = String(entry.value);
    else if (entry.valueFrom?.fieldRef?.fieldPath === 'metadata.name') {
      env[entry.name] = `${deployment.metadata.name}-6d4f9c7b8-x2x7q`; // a pod name
    } else throw new Error(`unexpected env source for ${entry.name}`);
  }
  return env;
}

const minimal = {
  KAFKA_BROKERS: 'kafka:9092',
  REDIS_URL: 'redis://redis:6379',
  HOLDFAST_JWT_SECRET: 'k7Qx2-fLp9Zr4-Wm8Vt3-Hy6Bn1-Jc5Ds0',
};

describe('deploy/k8s', () => {
  it('parses, and kustomization.yaml lists every manifest', () => {
    expect(resources.length).toBeGreaterThanOrEqual(9);
    const kustomization = parse(read('deploy/k8s/kustomization.yaml'));
    expect([...kustomization.resources].sort()).toEqual(
      files.filter((f) => f !== 'kustomization.yaml').sort(),
    );
    for (const o of resources) {
      expect(o.apiVersion, `${o.kind} apiVersion`).toBeTruthy();
      if (o.kind !== 'Namespace') expect(o.metadata.namespace).toBe('holdfast');
    }
  });

  it('gives each container only variables its process reads', () => {
    const gatewayVars = variablesRead(loadGatewayConfig);
    const workerVars = variablesRead(loadWorkerConfig);
    expect(gatewayVars.has('HOLDFAST_JWT_SECRET')).toBe(true); // the probe works
    for (const name of Object.keys(containerEnv(gateways))) expect(gatewayVars).toContain(name);
    for (const name of Object.keys(containerEnv(workers))) expect(workerVars).toContain(name);
  });

  it('ships a JWT secret placeholder that no gateway starts with', () => {
    const env = { ...containerEnv(gateways), ...secret.stringData };
    expect(() => loadGatewayConfig(env)).toThrow(/HOLDFAST_JWT_SECRET/);
  });

  it('gives each container a configuration the code accepts', () => {
    const gateway = loadGatewayConfig(containerEnv(gateways));
    expect(gateway.host).toBe('0.0.0.0'); // reachable on the pod IP
    const worker = loadWorkerConfig(containerEnv(workers));
    expect(worker.workerId).toMatch(/^holdfast-worker-/);
  });

  it('probes the gateway: /healthz on PORT, /readyz and /metrics on the private admin port', () => {
    const c = container(gateways);
    const config = loadGatewayConfig(containerEnv(gateways));
    expect(config.port).toBe(loadGatewayConfig(minimal).port); // the code's default, 8080
    expect(c.ports.find((p: K8s) => p.name === 'http').containerPort).toBe(config.port);
    for (const probe of ['startupProbe', 'livenessProbe']) {
      expect(c[probe].httpGet).toEqual({ path: '/healthz', port: 'http' });
    }
    expect(config.metricsHost).toBe('0.0.0.0'); // the kubelet and Prometheus use the pod IP
    expect(config.metricsPort).toBe(loadGatewayConfig(minimal).metricsPort); // default 9464
    expect(c.ports.find((p: K8s) => p.name === 'metrics').containerPort).toBe(config.metricsPort);
    expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'metrics' });
    const annotations = gateways.spec.template.metadata.annotations;
    expect(annotations['prometheus.io/port']).toBe(String(config.metricsPort));
    expect(annotations['prometheus.io/path']).toBe('/metrics');
    // The Service (and so the Ingress) exposes the public port only.
    const service = find('Service', 'holdfast-gateway');
    expect(service.spec.ports.map((p: K8s) => p.targetPort)).toEqual(['http']);
  });

  it('probes and scrapes the worker on HOLDFAST_METRICS_PORT over the pod IP', () => {
    const c = container(workers);
    const config = loadWorkerConfig(containerEnv(workers));
    expect(config.metricsHost).toBe('0.0.0.0'); // reachable on the pod IP
    const port = config.metricsPort;
    expect(port).toBe(loadWorkerConfig(minimal).metricsPort); // default 9464
    for (const probe of ['startupProbe', 'livenessProbe']) {
      expect(c[probe].httpGet).toEqual({ path: '/healthz', port: 'metrics' });
    }
    expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'metrics' });
    expect(c.ports.find((p: K8s) => p.name === 'metrics').containerPort).toBe(port);
    expect(workers.spec.template.metadata.annotations['prometheus.io/port']).toBe(String(port));
  });

  it('scales workers with KEDA on the reservation group lag, capped at the partition count', () => {
    const scaled = find('ScaledObject', 'holdfast-worker');
    const kafka = parseEnv(kafkaShape, configMap.data);
    expect(scaled.spec.scaleTargetRef.name).toBe(workers.metadata.name);
    expect(scaled.spec.maxReplicaCount).toBe(kafka.HOLDFAST_PARTITIONS);
    expect(scaled.spec.minReplicaCount).toBeLessThanOrEqual(kafka.HOLDFAST_PARTITIONS);
    const [trigger, ...others] = scaled.spec.triggers;
    expect(others).toEqual([]);
    expect(trigger.type).toBe('kafka');
    expect(trigger.metadata.consumerGroup).toBe(
      groupNames(kafka.HOLDFAST_KAFKA_PREFIX).reservation,
    );
    expect(trigger.metadata.topic).toBe(topicNames(kafka.HOLDFAST_KAFKA_PREFIX).commands);
    expect(trigger.metadata.bootstrapServers.split(',')).toEqual(kafka.KAFKA_BROKERS);
    expect(trigger.metadata.allowIdleConsumers).toBe('false');
  });

  it('runs one image everywhere, through its holdfast entrypoint, as a non-root user', () => {
    const dockerfile = read('Dockerfile');
    expect(dockerfile).toMatch(/^ENTRYPOINT \["holdfast"\]$/m);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(container(workers).image).toBe(container(gateways).image);
    expect(container(workers).command).toBeUndefined();
    expect(container(gateways).command).toBeUndefined();
    expect(container(workers).args).toEqual(['worker']);
    expect(container(gateways).args).toEqual(['gateway']);
    for (const d of [workers, gateways]) {
      expect(d.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
      expect(container(d).resources.requests).toBeDefined();
      expect(container(d).resources.limits.memory).toBeDefined();
    }
  });

  it('has PDBs and a Service that select existing pods', () => {
    const pods = [workers, gateways].map((d) => d.spec.template.metadata.labels);
    const selects = (selector: Record<string, string>) =>
      pods.filter((labels) => Object.entries(selector).every(([k, v]) => labels[k] === v)).length;
    const pdbs = resources.filter((o) => o.kind === 'PodDisruptionBudget');
    expect(pdbs).toHaveLength(2);
    for (const pdb of pdbs) expect(selects(pdb.spec.selector.matchLabels)).toBe(1);
    for (const d of [workers, gateways]) {
      const labels = d.spec.template.metadata.labels;
      expect(Object.entries(d.spec.selector.matchLabels).every(([k, v]) => labels[k] === v)).toBe(
        true,
      );
    }
    const service = find('Service', 'holdfast-gateway');
    expect(selects(service.spec.selector)).toBe(1);
    expect(service.spec.selector['app.kubernetes.io/name']).toBe('holdfast-gateway');
    expect(service.spec.ports[0].targetPort).toBe('http');
  });
});

describe('docker-compose.yml', () => {
  const compose = parse(read('docker-compose.yml'), { merge: true });
  const services = compose.services;

  it('scales workers: no fixed name or host port', () => {
    expect(services.worker.container_name).toBeUndefined();
    expect(services.worker.ports).toBeUndefined();
    expect(services.worker.command).toEqual(['worker']);
  });

  it('passes only variables the code reads, and probes the default ports', () => {
    const gatewayVars = variablesRead(loadGatewayConfig);
    const workerVars = variablesRead(loadWorkerConfig);
    for (const name of ['gateway-a', 'gateway-b']) {
      const service = services[name];
      expect(service.command).toEqual(['gateway']);
      for (const key of Object.keys(service.environment)) expect(gatewayVars).toContain(key);
      expect(service.ports[0]).toMatch(/:8080$/);
      expect(service.healthcheck.test).toEqual([
        'CMD',
        'node',
        '/app/deploy/healthcheck.mjs',
        '/readyz',
        String(loadGatewayConfig(minimal).metricsPort),
      ]);
    }
    for (const key of Object.keys(services.worker.environment)) expect(workerVars).toContain(key);
    expect(services.worker.healthcheck.test.at(-1)).toBe(
      String(loadWorkerConfig(minimal).metricsPort),
    );
  });

  it('runs Kafka as one KRaft node with single-replica internal topics, Redis append-only', () => {
    const kafka = services.kafka.environment;
    expect(kafka.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    for (const name of [
      'KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR',
      'KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR',
      'KAFKA_TRANSACTION_STATE_LOG_MIN_ISR',
      'KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR',
      'KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR',
    ]) {
      expect(kafka[name]).toBe(1);
    }
    expect(kafka.KAFKA_AUTO_CREATE_TOPICS_ENABLE).toBe('false');
    expect(kafka.KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS).toBe(0);
    expect(services.redis.command).toEqual(expect.arrayContaining(['--appendonly', 'yes']));
    expect(services['create-demo-show'].command.join(' ')).toContain('holdfast shows create demo');
  });
});
