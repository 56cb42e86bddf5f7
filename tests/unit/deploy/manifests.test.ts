/**
 * The deployment files must agree with the code they deploy: every YAML document parses;
 * every environment variable is one the code reads, and the configuration each container
 * gets loads with the code's own loaders; probes ask the routes and ports the processes
 * serve; KEDA watches the real group and topic and stops at the partition count; images and
 * commands are the same everywhere; PDBs and the Service select pods that exist. And they
 * are fit for the open internet: credentials only in Secrets, every pod under Pod Security
 * "restricted" without a service-account token, the Ingress on TLS, and NetworkPolicies
 * that let only workers and gateways reach Kafka and Redis.
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
const secrets = resources.filter((o) => o.kind === 'Secret');
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
      const named = find('Secret', source.secretRef.name);
      // The committed secrets hold placeholders (the JWT one the code refuses, tested below):
      // stand in real values of the same shape.
      for (const [key, value] of Object.entries(named.stringData as Record<string, string>)) {
        env[key] = value.replace('REPLACE-ME', STAND_IN_SECRET);
      }
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

const STAND_IN_SECRET = 'k7Qx2-fLp9Zr4-Wm8Vt3-Hy6Bn1-Jc5Ds0-Pe2Gu8Ao';

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
      // Only the policies guarding Kafka and Redis live in their namespaces.
      const home =
        o.kind === 'NetworkPolicy' && /-clients$/.test(o.metadata.name) ? undefined : 'holdfast';
      if (o.kind !== 'Namespace' && home) expect(o.metadata.namespace).toBe(home);
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
    // The production install skips scripts, so it applies the kafkajs patch itself.
    const deps = dockerfile.slice(dockerfile.indexOf('AS deps'), dockerfile.indexOf('AS runtime'));
    expect(deps).toMatch(
      /COPY patches \.\/patches[\s\S]*npm ci --omit=dev[\s\S]*npm run postinstall/,
    );
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

/** True when `labels` satisfy a label selector (matchLabels and `In` / `NotIn` / `Exists`). */
function selects(selector: K8s, labels: Record<string, string>): boolean {
  const all = Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  return (
    all &&
    (selector?.matchExpressions ?? []).every((e: K8s) => {
      if (e.operator === 'In') return e.values.includes(labels[e.key]);
      if (e.operator === 'NotIn') return !e.values.includes(labels[e.key]);
      if (e.operator === 'Exists') return e.key in labels;
      throw new Error(`unexpected selector operator ${e.operator}`);
    })
  );
}

interface Pod {
  namespace: string;
  labels: Record<string, string>;
}
const podOf = (deployment: K8s): Pod => ({
  namespace: deployment.metadata.namespace,
  labels: deployment.spec.template.metadata.labels,
});
/** The namespaces' names, as the `kubernetes.io/metadata.name` label Kubernetes sets. */
const namespaceLabels = (name: string) => ({ 'kubernetes.io/metadata.name': name });
const policies = resources.filter((o) => o.kind === 'NetworkPolicy');
const policiesFor = (pod: Pod, type: 'Ingress' | 'Egress') =>
  policies.filter(
    (p) =>
      p.metadata.namespace === pod.namespace &&
      selects(p.spec.podSelector, pod.labels) &&
      (p.spec.policyTypes as string[]).includes(type),
  );
const coversPort = (rule: K8s, port: number) =>
  !rule.ports || rule.ports.some((p: K8s) => p.port === port && (p.protocol ?? 'TCP') === 'TCP');
/** Whether a peer of a rule in `policyNamespace` matches `pod`. */
function peerMatches(peer: K8s, policyNamespace: string, pod: Pod): boolean {
  if (peer.ipBlock) return true; // an address range could hold anything: counted as allowed
  const inNamespace = peer.namespaceSelector
    ? selects(peer.namespaceSelector, namespaceLabels(pod.namespace))
    : pod.namespace === policyNamespace;
  return inNamespace && (peer.podSelector ? selects(peer.podSelector, pod.labels) : true);
}
/** Whether the policies let `from` connect to `to` on `port` (both directions checked). */
function allowed(from: Pod, to: Pod, port: number): boolean {
  const ingress = policiesFor(to, 'Ingress');
  const egress = policiesFor(from, 'Egress');
  const inOk =
    ingress.length === 0 ||
    ingress.some((p) =>
      (p.spec.ingress ?? []).some(
        (rule: K8s) =>
          coversPort(rule, port) &&
          (!rule.from ||
            rule.from.some((peer: K8s) => peerMatches(peer, p.metadata.namespace, from))),
      ),
    );
  const outOk =
    egress.length === 0 ||
    egress.some((p) =>
      (p.spec.egress ?? []).some(
        (rule: K8s) =>
          coversPort(rule, port) &&
          (!rule.to || rule.to.some((peer: K8s) => peerMatches(peer, p.metadata.namespace, to))),
      ),
    );
  return inOk && outOk;
}

describe('deploy/k8s, hardened', () => {
  const deployments = resources.filter((o) => o.kind === 'Deployment');
  const gatewayConfig = () => loadGatewayConfig(containerEnv(gateways));
  const workerConfig = () => loadWorkerConfig(containerEnv(workers));

  it('keeps every credential in a Secret: the ConfigMap and literal env values hold none', () => {
    const secretish = /SECRET|PASSWORD|PRIVATE_KEY|^REDIS_URL$/;
    expect(Object.keys(configMap.data).filter((k) => secretish.test(k))).toEqual([]);
    for (const value of Object.values(configMap.data as Record<string, string>)) {
      expect(value).not.toMatch(/\/\/[^/]*:[^/]*@/); // no user:password@ in a URL
    }
    for (const d of deployments) {
      for (const entry of container(d).env ?? []) expect(entry.name).not.toMatch(secretish);
    }
    const inSecrets = new Set(secrets.flatMap((s) => Object.keys(s.stringData)));
    for (const name of ['HOLDFAST_JWT_SECRET', 'HOLDFAST_KAFKA_SASL_PASSWORD', 'REDIS_URL']) {
      expect(inSecrets).toContain(name);
    }
  });

  it('logs in to Kafka with SCRAM over TLS and to Redis with a user over rediss://', () => {
    for (const config of [gatewayConfig(), workerConfig()]) {
      expect(config.kafkaSecurity.sasl).toMatchObject({
        mechanism: 'scram-sha-512',
        username: 'holdfast',
        password: STAND_IN_SECRET,
      });
      expect(config.kafkaSecurity.tls).toEqual({});
      expect(new URL(config.redisUrl)).toMatchObject({ protocol: 'rediss:', username: 'holdfast' });
    }
    // KEDA reads lag as the same user, the same way.
    const trigger = find('ScaledObject', 'holdfast-worker').spec.triggers[0];
    expect(trigger.metadata).toMatchObject({ sasl: 'scram_sha512', tls: 'enable' });
    const auth = find('TriggerAuthentication', trigger.authenticationRef.name);
    const keys = Object.fromEntries(
      auth.spec.secretTargetRef.map((r: K8s) => [r.parameter, `${r.name}/${r.key}`]),
    );
    expect(keys).toEqual({
      username: 'holdfast-kafka/HOLDFAST_KAFKA_SASL_USERNAME',
      password: 'holdfast-kafka/HOLDFAST_KAFKA_SASL_PASSWORD',
    });
    expect(find('Secret', 'holdfast-kafka').stringData).toHaveProperty(
      'HOLDFAST_KAFKA_SASL_USERNAME',
    );
  });

  it('runs every pod under Pod Security "restricted", without a service-account token', () => {
    const namespace = find('Namespace', 'holdfast');
    expect(namespace.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    for (const d of deployments) {
      const pod = d.spec.template.spec;
      expect(pod.automountServiceAccountToken, d.metadata.name).toBe(false);
      const account = find('ServiceAccount', pod.serviceAccountName);
      expect(account.automountServiceAccountToken).toBe(false);
      expect(pod.securityContext).toMatchObject({
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
      expect(pod.hostNetwork ?? false).toBe(false);
      for (const c of pod.containers) {
        expect(c.securityContext, `${d.metadata.name}/${c.name}`).toMatchObject({
          runAsNonRoot: true,
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        });
        expect(c.securityContext.privileged ?? false).toBe(false);
        expect(c.securityContext.capabilities.add).toBeUndefined();
        // A read-only root needs a writable /tmp (tsx's cache).
        expect(c.volumeMounts.map((m: K8s) => m.mountPath)).toContain('/tmp');
      }
    }
  });

  it('serves the Ingress over TLS only', () => {
    const ingress = find('Ingress', 'holdfast-gateway');
    const tlsHosts = ingress.spec.tls.flatMap((t: K8s) => {
      expect(t.secretName).toBeTruthy();
      return t.hosts;
    });
    for (const rule of ingress.spec.rules) expect(tlsHosts).toContain(rule.host);
    expect(ingress.metadata.annotations['nginx.ingress.kubernetes.io/ssl-redirect']).toBe('true');
  });

  it('denies all traffic in the namespace unless a policy allows it', () => {
    const deny = find('NetworkPolicy', 'default-deny');
    expect(deny.spec.podSelector).toEqual({});
    expect([...deny.spec.policyTypes].sort()).toEqual(['Egress', 'Ingress']);
    expect(deny.spec.ingress).toBeUndefined();
    expect(deny.spec.egress).toBeUndefined();
  });

  it('lets only workers and gateways reach Kafka and Redis, on the ports they are configured with', () => {
    const kafkaPort = Number(workerConfig().kafkaBrokers[0]?.split(':')[1]);
    const redisPort = Number(new URL(workerConfig().redisUrl).port);
    const kafkaPod: Pod = { namespace: 'kafka', labels: { 'app.kubernetes.io/name': 'kafka' } };
    const redisPod: Pod = { namespace: 'redis', labels: { 'app.kubernetes.io/name': 'redis' } };
    for (const d of [workers, gateways]) {
      expect(allowed(podOf(d), kafkaPod, kafkaPort), `${d.metadata.name} → Kafka`).toBe(true);
      expect(allowed(podOf(d), redisPod, redisPort), `${d.metadata.name} → Redis`).toBe(true);
    }
    const strangers: Pod[] = [
      { namespace: 'holdfast', labels: { 'app.kubernetes.io/name': 'debug-shell' } },
      { namespace: 'default', labels: { app: 'anything' } },
      { namespace: 'ingress-nginx', labels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
    ];
    for (const stranger of strangers) {
      expect(allowed(stranger, kafkaPod, kafkaPort), `${stranger.namespace} → Kafka`).toBe(false);
      expect(allowed(stranger, redisPod, redisPort), `${stranger.namespace} → Redis`).toBe(false);
    }
    // KEDA reads the consumer lag.
    expect(allowed({ namespace: 'keda', labels: {} }, kafkaPod, kafkaPort)).toBe(true);
  });

  it('opens the public port to the ingress controller only, the admin port to monitoring only', () => {
    const publicPort = gatewayConfig().port;
    const adminPort = workerConfig().metricsPort; // the gateways' admin port is the same number
    const controller: Pod = {
      namespace: 'ingress-nginx',
      labels: { 'app.kubernetes.io/name': 'ingress-nginx' },
    };
    const prometheus: Pod = { namespace: 'monitoring', labels: { app: 'prometheus' } };
    const neighbour: Pod = { namespace: 'holdfast', labels: { 'app.kubernetes.io/name': 'x' } };
    const elsewhere: Pod = { namespace: 'default', labels: {} };
    const gateway = podOf(gateways);
    const worker = podOf(workers);
    expect(allowed(controller, gateway, publicPort)).toBe(true);
    for (const other of [prometheus, neighbour, elsewhere]) {
      expect(allowed(other, gateway, publicPort)).toBe(false);
    }
    for (const target of [gateway, worker]) {
      expect(allowed(prometheus, target, adminPort)).toBe(true);
      for (const other of [controller, neighbour, elsewhere]) {
        expect(allowed(other, target, adminPort)).toBe(false);
      }
    }
    expect(allowed(controller, worker, publicPort)).toBe(false);
  });

  it('builds the image on a supported Node LTS; the package stays private and accepts Node 20', () => {
    const image = /^ARG NODE_IMAGE=node:(\d+)-/m.exec(read('Dockerfile'))?.[1];
    expect(['22', '24']).toContain(image);
    const pkg = JSON.parse(read('package.json'));
    expect(pkg.private).toBe(true);
    expect(pkg.engines.node).toBe('>=20');
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
