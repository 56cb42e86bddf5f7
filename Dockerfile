# syntax=docker/dockerfile:1
# Holdfast: one image for every process (`holdfast gateway`, `holdfast worker`,
# `holdfast shows create …`, `holdfast token …`). The sources are TypeScript run through tsx,
# a runtime dependency. The only build step is the seat-map page's script: the `build` stage
# bundles it with esbuild (a dev dependency); the `deps` stage installs the production
# dependencies only; the runtime copies both beside the sources and runs as a non-root user.

# A supported Node LTS (24, in active support until April 2028); package.json still accepts
# Node 20, for machines that have nothing newer.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Scripts skipped: `prepare` would build before the sources are here.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY scripts/build-web.ts ./scripts/build-web.ts
COPY src ./src
RUN npm run build

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY patches ./patches
# Production dependencies only; no `prepare` (the page is built in the `build` stage).
# Optional dependencies stay: tsx needs its platform's esbuild binary to run the sources.
# The scripts are skipped, so the kafkajs patch (patches/, docs/adr/010) is applied by
# hand: the worker refuses to load partitions from an unpatched kafkajs.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm run postinstall \
 && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    # Containers listen on every interface; the code's default is loopback.
    HOLDFAST_HOST=0.0.0.0 \
    PORT=8080 \
    HOLDFAST_METRICS_PORT=9464
WORKDIR /app
COPY --from=deps --chown=root:root /app/node_modules ./node_modules
COPY --chown=root:root package.json asyncapi.yaml ./
COPY --chown=root:root bin ./bin
COPY --chown=root:root src ./src
# The page's bundle, checked against ./src by every gateway before it starts.
COPY --from=build --chown=root:root /app/dist ./dist
COPY --chown=root:root deploy/healthcheck.mjs ./deploy/healthcheck.mjs
# The code is root-owned and read-only to the runtime user; `holdfast` on PATH.
RUN chmod 0755 bin/holdfast.js deploy/healthcheck.mjs \
 && ln -s /app/bin/holdfast.js /usr/local/bin/holdfast
# The node image's unprivileged user (uid 1000). tsx keeps its cache under /tmp.
USER node
# Gateway: HTTP + Socket.IO (PORT). Worker: /metrics, /healthz, /readyz (HOLDFAST_METRICS_PORT).
EXPOSE 8080 9464
# /healthz on whichever of the two ports this process serves (never asks Kafka or Redis).
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "/app/deploy/healthcheck.mjs", "/healthz"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["holdfast"]
CMD ["--help"]
