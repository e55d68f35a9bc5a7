# One image for every process of the platform; docker-compose.yml picks the entry point per service.

# Built with the dev toolchain in a stage of its own: the web client (Vite, React), then the platform
# compiled to JavaScript with its workflow bundles (`npm run build`, which copies the web app in).
FROM node:20-bookworm-slim AS build
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run web:build && npm run build

# Only production dependencies and the compiled code: no TypeScript loader and no bundling at start.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY --from=build /build/dist ./dist
USER node
# Overridden per service: dist/api/server.js, dist/workers/worker.js, dist/workers/bridge.js, ...
CMD ["node", "--enable-source-maps", "dist/api/server.js"]
