# One image for every process of the platform; docker-compose.yml picks the entry point per service.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY . .
USER node
# Overridden per service: api/server.ts, workers/worker.ts, workers/bridge.ts, domain-services/<name>/server.ts
CMD ["npx", "tsx", "api/server.ts"]
