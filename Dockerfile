# BabyHelm's image. The build stage runs the same script as `npm start` and the production-folder test
# (apps/server/test/production-folder.test.ts, which proves this folder's contents, since no Docker engine runs in
# CI): scripts/build-production.mjs /app builds the server, the workspace packages and the dashboard, then
# assembles /app (server/: `pnpm deploy --prod`, production dependencies only; web/dist: the dashboard's assets).
# The runtime stage copies only that folder onto a plain Node 24 LTS image and runs it as a non-root user.

FROM node:24-bookworm-slim AS build
# The pnpm that package.json's packageManager pins.
RUN npm install --global --no-audit --no-fund pnpm@12.21.0
WORKDIR /src
# Dependencies are fetched from the lockfile alone, so that this layer stays cached while only sources change.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN pnpm fetch
COPY . .
RUN pnpm install --offline --frozen-lockfile
RUN node scripts/build-production.mjs /app

FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    PORT=8080 \
    HOST=0.0.0.0 \
    BABYHELM_DATA_DIR=/var/lib/babyhelm
# Without DATABASE_URL the server keeps an embedded PGlite database (and, without BABYHELM_SECRET_KEY, its key) in
# the data directory: the only place the server writes, owned by the user it runs as.
RUN mkdir -p /var/lib/babyhelm && chown 1000:1000 /var/lib/babyhelm
WORKDIR /app
# Owned by root, so that the running server cannot change its own code.
COPY --from=build /app /app
# The image's "node" user, by number so that Kubernetes' runAsNonRoot can check it.
USER 1000:1000
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "server/dist/main.js"]
