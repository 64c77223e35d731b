#!/usr/bin/env bash
# Benchmarks (not tests): builds in release mode and prints the numbers docs/performance.md reports.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product compliance-forwarder
bin=$(swift build -c release --show-bin-path)/compliance-forwarder
"$bin" benchmark mock --records 200000
"$bin" benchmark transform
