# syntax=docker/dockerfile:1
# MoodScale: build with `docker build -t moodscale .`, run with docker-compose.yml (PostgreSQL included).

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json drizzle.config.ts ./
COPY src ./src
COPY commands ./commands
RUN npm run build

FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:24-bookworm-slim AS runtime
# pg_dump/pg_restore for backups (BACKUP_ENABLED) and tini to forward signals for a graceful shutdown.
RUN apt-get update \
  && apt-get install -y --no-install-recommends postgresql-client tini \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production DATA_DIR=/data BACKUP_DIR=/backups PORT=3000
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY drizzle ./drizzle
# The chart font: digests render the same picture on every machine.
COPY assets ./assets
COPY package.json ./
RUN mkdir -p /data /backups && chown node:node /data /backups
USER node
EXPOSE 3000
# The operations port stays on the container's loopback (OPS_HOST): the probe runs inside it.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.OPS_PORT||9464)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
VOLUME ["/data", "/backups"]
# Migrations run at start (serialized by an advisory lock), then the bot starts.
ENTRYPOINT ["/usr/bin/tini", "--"]
# --max-semi-space-size: src/ops/node-flags.ts says why.
CMD ["node", "--max-semi-space-size=4", "dist/src/main.js"]
