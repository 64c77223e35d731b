#!/usr/bin/env bash
# Benchmarks (not tests): builds in release mode and prints the numbers docs/performance.md reports.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product compliance-forwarder
bin=$(swift build -c release --show-bin-path)/compliance-forwarder
"$bin" benchmark mock --records 200000
"$bin" benchmark transform
# HTTP sinks (docs/http-sinks.md, Performance): one sink to an in-process receiver on loopback.
for mode in webhook splunk_hec elasticsearch; do
    "$bin" benchmark http --mode "$mode" --events 200000
done
"$bin" benchmark http --mode splunk_hec --events 200000 --gzip
