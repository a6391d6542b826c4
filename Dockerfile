# syntax=docker/dockerfile:1
# Partners in Practice: one image with the `partners` binary and the built frontend.
# Build: docker build -t partners-in-practice .   (docker compose up --build does this for you)

# --- 1. the frontend (TypeScript + Vite) -> /src/frontend/dist ----------------------------------
FROM node:20-bookworm-slim AS frontend
# The lock file is written by npm 11; use the same major version to install from it.
RUN npm install -g npm@11 --no-audit --no-fund
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

# --- 2. the server, release build -> /usr/local/bin/partners -----------------------------------
FROM rust:1-bookworm AS backend
RUN apt-get update \
 && apt-get install -y --no-install-recommends pkg-config libpq-dev libssl-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY backend/ backend/
COPY search-index/ search-index/
COPY tests/ tests/
COPY migrations/ migrations/
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked -p backend --bin partners \
 && install -m 0755 target/release/partners /usr/local/bin/partners

# --- 3. the runtime --------------------------------------------------------------------------
FROM debian:bookworm-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates libpq5 libssl3 curl tini \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /data --no-create-home partners \
 && mkdir -p /data \
 && chown partners:partners /data
COPY --from=backend /usr/local/bin/partners /usr/local/bin/partners
COPY --from=frontend /src/frontend/dist /app/frontend/dist
WORKDIR /app
ENV DATA_DIR=/data \
    FRONTEND_DIR=/app/frontend/dist \
    BIND=0.0.0.0:8080 \
    LOG_FORMAT=json
USER partners
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
    CMD curl -fsS -o /dev/null http://127.0.0.1:8080/readyz || exit 1
# tini forwards SIGTERM so `partners serve` can drain requests within SHUTDOWN_GRACE.
ENTRYPOINT ["/usr/bin/tini", "--", "partners"]
CMD ["serve"]
