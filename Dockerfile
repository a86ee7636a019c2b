# syntax=docker/dockerfile:1
# Node.js 24 LTS (package.json "engines": >=24). The tag follows 24's patch releases. To pin the
# exact image, append its digest in both stages: `FROM node:24-slim@sha256:<digest>` (the digest
# from `docker buildx imagetools inspect node:24-slim`; none is written here because none was
# verified when this file was written).

# Build stage: full install (TypeScript is a dev dependency), compile to lib/.
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# Runtime stage: production dependencies only, non-root, health-checked.
FROM node:24-slim
# HOST=0.0.0.0: Probot listens on localhost by default, which `docker run -p` cannot reach.
ENV NODE_ENV=production PORT=3000 HOST=0.0.0.0 LOG_FORMAT=json
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/lib ./lib
COPY app.yml ./
COPY schema ./schema
COPY bin ./bin
COPY deploy/healthcheck.mjs ./deploy/healthcheck.mjs
# The code stays root-owned (read-only for the app); /app itself belongs to the app's user, so
# Probot's setup page (no APP_ID yet) can write .env there.
RUN chown node:node /app
USER node
EXPOSE 3000
# Probes the container's own non-loopback address: fails when the app listens on loopback only.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 CMD ["node", "deploy/healthcheck.mjs"]
CMD ["node", "lib/main.js"]
