# syntax=docker/dockerfile:1
# compliance-forwarder container image.
#   docker build -t compliance-forwarder .
#   docker run --rm -v "$PWD/forwarder.yaml:/etc/compliance-forwarder/forwarder.yaml:ro" \
#     -v cf-state:/var/lib/compliance-forwarder compliance-forwarder
# Build stage: the official Swift image; the binary links the Swift runtime and Foundation statically,
# so the runtime stage needs only glibc, zlib (both in debian:bookworm-slim) and CA certificates.
# The same build command runs locally: scripts/docker-build-check.sh.

FROM swift:6.3.1-bookworm AS build
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends zlib1g-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Dependencies first, so editing our sources does not refetch them.
COPY Package.swift ./
RUN swift package resolve
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --static-swift-stdlib --product compliance-forwarder \
    && install -D -m 0755 "$(swift build -c release --static-swift-stdlib --show-bin-path)/compliance-forwarder" \
        /out/compliance-forwarder

FROM debian:bookworm-slim
# ca-certificates: the system trust store for TLS to the API and to sinks without a ca_file.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 forwarder \
    && useradd --system --uid 10001 --gid forwarder --home-dir /var/lib/compliance-forwarder \
        --shell /usr/sbin/nologin forwarder \
    && install -d -o forwarder -g forwarder -m 0750 /var/lib/compliance-forwarder \
    && install -d -m 0755 /etc/compliance-forwarder
COPY --from=build /out/compliance-forwarder /usr/local/bin/compliance-forwarder
USER 10001:10001
WORKDIR /var/lib/compliance-forwarder
# Checkpoint, dead letters and file-sink output: keep them across container restarts.
VOLUME ["/var/lib/compliance-forwarder"]
# /metrics, /healthz, /readyz when server.listen is 0.0.0.0:9464.
EXPOSE 9464
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["compliance-forwarder", "health"]
ENTRYPOINT ["compliance-forwarder"]
CMD ["run", "--config", "/etc/compliance-forwarder/forwarder.yaml"]
