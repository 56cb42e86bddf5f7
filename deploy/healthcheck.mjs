#!/usr/bin/env node
// Container health probe: GET http://127.0.0.1:<port><path>, exit 0 on HTTP 200, else 1.
// Plain JavaScript (no tsx) so a probe costs one short node start. Used by the Dockerfile's
// HEALTHCHECK and by exec probes: workers and gateways serve /healthz and /readyz on their
// admin port (HOLDFAST_METRICS_PORT), on loopback unless configured; gateways /healthz on PORT too.
//   node deploy/healthcheck.mjs [path] [port...]   (default: /healthz on PORT and
//   HOLDFAST_METRICS_PORT; healthy when any of them answers 200)
const [path = '/healthz', ...ports] = process.argv.slice(2);
const candidates =
  ports.length > 0
    ? ports
    : [process.env.PORT ?? '8080', process.env.HOLDFAST_METRICS_PORT ?? '9464'];

async function probe(port) {
  try {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, {
      signal: AbortSignal.timeout(2000),
    });
    return response.status === 200;
  } catch {
    return false;
  }
}

const results = await Promise.all(candidates.map(probe));
process.exit(results.some(Boolean) ? 0 : 1);
