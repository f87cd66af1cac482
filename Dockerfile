# One Dockerfile for the seven services: `docker build --build-arg SERVICE=<name> .` builds one
# service's image on its own (the Pulumi program builds all seven from it). It needs BuildKit
# (Docker 23+ by default; DOCKER_BUILDKIT=1 on 20.10) for its secret and cache mounts.
#
#   builder: the production workspaces and the seven services (never shared/simulator or
#            shared/testkit), compiled once and shared by the seven builds
#   deps:    the service's production dependencies only
#   runtime: node:22-bookworm-slim with dist/ and production node_modules, as the non-root `node` user
#
# Behind a registry mirror or a TLS-intercepting proxy, pass npm's settings and CA certificates as
# secrets (see infra/image/npm-ci.sh): they reach `npm ci` and never a layer.

ARG NODE_IMAGE=node:22.12.0-bookworm-slim
# The production shared packages a service is built from and runs on (never shared/simulator or
# shared/testkit: the image-content test checks it).
ARG SERVICE_WORKSPACES="--workspace services/data-collector --workspace services/news-collector --workspace services/strategy-engine --workspace services/order-executor --workspace services/portfolio-manager --workspace services/backtester --workspace services/api"
ARG SHARED_WORKSPACES="--workspace shared/domain --workspace shared/strategy-sdk --workspace shared/exchange --workspace shared/platform --workspace shared/messaging --workspace shared/store --workspace shared/providers --workspace shared/orders --workspace shared/runtime"

FROM ${NODE_IMAGE} AS manifests
WORKDIR /app
COPY infra/image/npm-ci.sh /usr/local/bin/npm-ci
# Every workspace manifest: npm ci checks the lockfile against all of them.
COPY package.json package-lock.json ./
COPY shared/domain/package.json shared/domain/
COPY shared/strategy-sdk/package.json shared/strategy-sdk/
COPY shared/exchange/package.json shared/exchange/
COPY shared/platform/package.json shared/platform/
COPY shared/messaging/package.json shared/messaging/
COPY shared/store/package.json shared/store/
COPY shared/providers/package.json shared/providers/
COPY shared/orders/package.json shared/orders/
COPY shared/runtime/package.json shared/runtime/
COPY shared/simulator/package.json shared/simulator/
COPY shared/testkit/package.json shared/testkit/
COPY migrations/package.json migrations/
COPY infra/package.json infra/
COPY services/data-collector/package.json services/data-collector/
COPY services/news-collector/package.json services/news-collector/
COPY services/strategy-engine/package.json services/strategy-engine/
COPY services/order-executor/package.json services/order-executor/
COPY services/portfolio-manager/package.json services/portfolio-manager/
COPY services/backtester/package.json services/backtester/
COPY services/api/package.json services/api/

# Every service compiled once: this stage does not depend on SERVICE, so the seven builds share it.
FROM manifests AS builder
ARG SHARED_WORKSPACES
ARG SERVICE_WORKSPACES
# The root's dev dependencies (TypeScript), the production shared packages, migrations and the
# services; the simulator and the testkit are never installed, built or copied. No install scripts run.
RUN --mount=type=secret,id=npmrc --mount=type=secret,id=ca --mount=type=cache,target=/root/.npm,sharing=locked \
    npm-ci --include-workspace-root $SHARED_WORKSPACES --workspace migrations $SERVICE_WORKSPACES
COPY tsconfig.base.json ./
COPY shared/domain/ shared/domain/
COPY shared/strategy-sdk/ shared/strategy-sdk/
COPY shared/exchange/ shared/exchange/
COPY shared/platform/ shared/platform/
COPY shared/messaging/ shared/messaging/
COPY shared/store/ shared/store/
COPY shared/providers/ shared/providers/
COPY shared/orders/ shared/orders/
COPY shared/runtime/ shared/runtime/
COPY migrations/ migrations/
COPY services/ services/
# The strategies folder (yours beside the example) is built in, compiled like the services.
COPY strategies/ strategies/
# Declarations and source maps are for development: the images carry JavaScript only.
RUN npx tsc -b migrations/tsconfig.build.json services/*/tsconfig.build.json strategies/tsconfig.build.json \
 && echo '{ "type": "module" }' > strategies/dist/package.json \
 && npx tsc -p services/api/dashboard/tsconfig.json \
 && for s in services/*/; do mkdir -p "${s}dashboard"; done \
 && find shared migrations services -path '*/dist/*' \( -name '*.map' -o -name '*.d.ts' \) -delete

FROM manifests AS deps
ARG SERVICE
ARG SHARED_WORKSPACES
RUN test -n "$SERVICE" || (echo "build with --build-arg SERVICE=<service name>" && exit 1)
# Production dependencies only; PGlite (optional: the embedded database) stays out, the images
# always run on PostgreSQL.
RUN --mount=type=secret,id=npmrc --mount=type=secret,id=ca --mount=type=cache,target=/root/.npm,sharing=locked \
    npm-ci --omit=dev --omit=optional $SHARED_WORKSPACES --workspace migrations --workspace "services/${SERVICE}"

FROM ${NODE_IMAGE} AS runtime
ARG SERVICE
ENV NODE_ENV=production \
    SERVICE=${SERVICE} \
    STRATEGIES_DIR=/app/strategies
WORKDIR /app
COPY --from=deps /app/node_modules node_modules
COPY --from=builder /app/shared/domain/package.json shared/domain/
COPY --from=builder /app/shared/domain/dist shared/domain/dist
COPY --from=builder /app/shared/strategy-sdk/package.json shared/strategy-sdk/
COPY --from=builder /app/shared/strategy-sdk/dist shared/strategy-sdk/dist
COPY --from=builder /app/shared/exchange/package.json shared/exchange/
COPY --from=builder /app/shared/exchange/dist shared/exchange/dist
COPY --from=builder /app/shared/platform/package.json shared/platform/
COPY --from=builder /app/shared/platform/dist shared/platform/dist
COPY --from=builder /app/shared/messaging/package.json shared/messaging/
COPY --from=builder /app/shared/messaging/dist shared/messaging/dist
COPY --from=builder /app/shared/store/package.json shared/store/
COPY --from=builder /app/shared/store/dist shared/store/dist
COPY --from=builder /app/shared/providers/package.json shared/providers/
COPY --from=builder /app/shared/providers/dist shared/providers/dist
COPY --from=builder /app/shared/orders/package.json shared/orders/
COPY --from=builder /app/shared/orders/dist shared/orders/dist
COPY --from=builder /app/shared/runtime/package.json shared/runtime/
COPY --from=builder /app/shared/runtime/dist shared/runtime/dist
COPY --from=builder /app/migrations/package.json migrations/
COPY --from=builder /app/migrations/dist migrations/dist
COPY --from=builder /app/strategies/dist strategies
# The service at a fixed path, so CMD can be exec-form (it cannot expand ${SERVICE}).
COPY --from=builder /app/services/${SERVICE}/package.json service/
COPY --from=builder /app/services/${SERVICE}/dist service/dist
COPY --from=builder /app/services/${SERVICE}/dashboard service/dashboard
# The workspace link node_modules/@trading/<service> points at services/<service>: keep it resolving.
# npm links every workspace; the links to what this image does not carry (other services, the
# simulator, the testkit) dangle here and are removed.
RUN mkdir -p services && ln -s /app/service "services/${SERVICE}" \
 && find node_modules/@trading -maxdepth 1 -xtype l -delete
USER node
# Workers serve /health on HEALTH_PORT (8080); the API on API_PORT (8000).
# Exec form (no shell). A loaded API may take seconds to answer: 10 s per try, three misses in a row.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
  CMD ["node", "-e", "const p=process.env.SERVICE==='api'?(process.env.API_PORT||8000):(process.env.HEALTH_PORT||8080);fetch('http://127.0.0.1:'+p+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Node is PID 1: the services handle SIGTERM/SIGINT themselves (drain, close, exit 0), and the
# containers run with --init so a reaper collects any orphaned child.
STOPSIGNAL SIGTERM
CMD ["node", "service/dist/main.js"]
