# One image for every process of the platform; docker-compose.yml picks the entry point per service.

# The web client is built with its dev toolchain (Vite, React) in a stage of its own; only the
# built files reach the image, which the API serves at /app/.
FROM node:20-bookworm-slim AS web
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY web ./web
COPY dashboard/contract ./dashboard/contract
COPY config/capabilities.json ./config/capabilities.json
RUN npm run web:build

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY . .
COPY --from=web /build/web/dist ./web/dist
USER node
# Overridden per service: api/server.ts, workers/worker.ts, workers/bridge.ts, domain-services/<name>/server.ts
CMD ["npx", "tsx", "api/server.ts"]
