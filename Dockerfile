# Debrief's server for hosted mode (docs/hosting.md). Build:
#   docker build -t debrief .
# Run with compose.yaml (PostgreSQL beside it), or point
# DEBRIEF_DATABASE_URL at your own server.
FROM rust:1.89-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked -p debrief --bin debrief

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /var/lib/debrief --create-home debrief
COPY --from=build /src/target/release/debrief /usr/local/bin/debrief
USER debrief
WORKDIR /var/lib/debrief
EXPOSE 7878
# The database URL comes from the environment (DEBRIEF_DATABASE_URL),
# never from the command line. Behind a reverse proxy, add
# --trusted-proxy with its address.
CMD ["debrief", "serve", "--addr", "0.0.0.0:7878"]
