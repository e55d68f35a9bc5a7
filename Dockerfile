# One image for every process of the platform; docker-compose.yml picks the entry point per service.

# Built with the dev toolchain in a stage of its own: the web client (Vite, React), then the platform
# compiled to JavaScript with its workflow bundles (`npm run build`, which copies the web app in).
FROM node:20-bookworm-slim AS build
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run web:build && npm run build

# Temporal's server and schema tools, built from Temporal's Go module at the version stack/versions.json
# names, as `npm run setup` builds them for the local production profile (stack/temporal-server.ts).
FROM golang:1.25-bookworm AS temporal-build
ARG TEMPORAL_SERVER_VERSION=1.29.1
RUN CGO_ENABLED=0 GOFLAGS=-buildvcs=false go install \
      go.temporal.io/server/cmd/server@v${TEMPORAL_SERVER_VERSION} \
      go.temporal.io/server/cmd/tools/cassandra@v${TEMPORAL_SERVER_VERSION} \
      go.temporal.io/server/cmd/tools/sql@v${TEMPORAL_SERVER_VERSION}

# Only production dependencies and the compiled code: no TypeScript loader and no bundling at start.
# The schema tools are for the init step that applies Temporal's schemas (stack/init.ts temporal-schema).
FROM node:20-bookworm-slim AS platform
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY --from=build /build/dist ./dist
COPY --from=temporal-build /go/bin/cassandra /go/bin/sql /opt/temporal/bin/
USER node
# Overridden per service: dist/api/server.js, dist/workers/worker.js, dist/workers/bridge.js, ...
CMD ["node", "--enable-source-maps", "dist/api/server.js"]

# Temporal's server with the platform's config (temporal-config/server.yaml and its dynamic config);
# built on the platform image so its health check runs dist/stack/healthcheck.js like every process's.
FROM platform AS temporal
COPY --from=temporal-build /go/bin/server /opt/temporal/bin/server
COPY temporal-config ./temporal-config
CMD ["/opt/temporal/bin/server", "--root", "/app", "--config", "temporal-config", "--env", "server", "start"]
