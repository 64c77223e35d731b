#!/usr/bin/env bash
# Runs the Dockerfile's build-stage commands on this machine (there is no Docker engine here), then
# checks what the runtime stage relies on: a binary that needs no Swift runtime libraries.
# Not part of scripts/test.sh: a static release build takes 10-20 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=.build-static
swift package resolve
swift build -c release --static-swift-stdlib --scratch-path "$scratch" --product compliance-forwarder
bin="$(swift build -c release --static-swift-stdlib --scratch-path "$scratch" --show-bin-path)/compliance-forwarder"
install -D -m 0755 "$bin" "$scratch/out/compliance-forwarder"
echo "== shared libraries"
ldd "$scratch/out/compliance-forwarder"
if ldd "$scratch/out/compliance-forwarder" | grep -E 'libswift|libFoundation|libdispatch|libBlocksRuntime'; then
    echo "the binary still needs Swift runtime libraries" >&2
    exit 1
fi
"$scratch/out/compliance-forwarder" --version
"$scratch/out/compliance-forwarder" health --help >/dev/null
echo "docker build stage OK: $scratch/out/compliance-forwarder"
