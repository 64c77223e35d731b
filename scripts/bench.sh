#!/usr/bin/env bash
# Benchmarks (not tests, not part of CI): builds in release mode and prints the numbers
# docs/performance.md reports. Takes a few minutes at the default 1,000,000 events.
#
#   scripts/bench.sh                      everything
#   scripts/bench.sh --events 200000      smaller end-to-end runs (flags go to scripts/bench-e2e.py)
#   scripts/bench.sh --only tls --keep    one group, keep the scratch directory
#   BENCH_SKIP_BUILD=1 scripts/bench.sh   reuse the last release build
#
# Needs rsyslog/syslog-ng (scripts/syslog-receivers.sh install, done by scripts/install-test-deps.sh)
# and the Python SDK pipeline's dependency (benchmarks/python/requirements.txt, installed here).
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=.build-release
if [[ -z ${BENCH_SKIP_BUILD:-} ]]; then
    swift build -c release --scratch-path "$scratch" --product compliance-forwarder
fi
bin=$(swift build -c release --scratch-path "$scratch" --show-bin-path)/compliance-forwarder

scripts/syslog-receivers.sh install --check >/dev/null 2>&1 || scripts/syslog-receivers.sh install
python3 -c 'import claude_compliance_sdk' 2>/dev/null ||
    python3 -m pip install -q --disable-pip-version-check -r benchmarks/python/requirements.txt

echo "== machine: $(nproc) CPUs, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(free -g | awk '/Mem:/ {print $2}') GiB"
echo "== transform (decode + map + encode, no I/O)"
"$bin" benchmark transform
echo "== archive evidence on the file path (record hashes + signed manifests on vs off)"
"$bin" benchmark archive --runs 5
echo "== HTTP sinks, one sink to an in-process receiver on loopback"
# HTTP sinks (docs/http-sinks.md, Performance): one sink to an in-process receiver on loopback.
for mode in webhook splunk_hec elasticsearch azure_monitor otlp; do
    "$bin" benchmark http --mode "$mode" --events 200000
done
"$bin" benchmark http --mode otlp --encoding json --events 200000
"$bin" benchmark http --mode splunk_hec --events 200000 --gzip
"$bin" benchmark http --mode azure_monitor --events 200000 --gzip
"$bin" benchmark http --mode otlp --events 200000 --gzip
# With a 50 ms reply delay (network + indexing) concurrency is what counts.
for n in 1 4; do
    "$bin" benchmark http --mode elasticsearch --events 100000 --reply-delay-ms 50 --max-in-flight "$n"
done
echo "== mock API (child process) and client"
"$bin" benchmark mock --records 200000
echo "== end to end (each process measured alone)"
python3 scripts/bench-e2e.py --bin "$bin" "$@"
