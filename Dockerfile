# syntax=docker/dockerfile:1
# One image for every RTPM process. The default command runs the API; docker-compose.yml overrides it for the
# worker (dist/apps/worker/...) and for the one-shot migrations (dist/apps/cli/... migrate).
ARG NODE_IMAGE=node:20-bookworm-slim

# --- deps: every dependency, dev ones included, for the build ---
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# Install scripts stay off, as on the development machines (npm 11 skips unapproved ones): nothing RTPM needs
# compiles at install time.
RUN npm ci --ignore-scripts --no-audit --no-fund

# --- build: compile the three apps (api, worker, cli) into dist/ ---
FROM deps AS build
COPY nest-cli.json tsconfig.json tsconfig.build.json ./
COPY apps ./apps
COPY libs ./libs
COPY migrations ./migrations
RUN npm run build

# --- runtime: production dependencies and dist/ only, run as the unprivileged `node` user ---
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
USER node
# 8000: API (PORT). 8001: the worker's probes (WORKER_PORT).
EXPOSE 8000 8001
# No HEALTHCHECK here: the API and the worker answer on different ports, so each compose service (or Kubernetes
# probe) checks its own /health/live.
# --max-old-space-size: as in `npm run start:api`; it also makes V8 collect before the heap is several times its
# live size (docs/performance.md, Memory).
CMD ["node", "--enable-source-maps", "--max-old-space-size=1024", "dist/apps/api/apps/api/src/main.js"]
