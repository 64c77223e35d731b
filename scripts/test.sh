#!/usr/bin/env bash
# Runs every test: installs what the integration tests need (Debian packages, PyPI packages),
# builds with warnings reported, runs `swift test`, then the cross-checks with independent parsers.
# Usage: scripts/test.sh [swift test arguments, e.g. --filter PagingTests]
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-test-deps.sh

echo "== hadolint"
scripts/lint-dockerfile.sh

echo "== promtool (alert rules and their unit tests)"
promtool check rules examples/prometheus/alerts.yaml
(cd examples/prometheus && promtool test rules alerts.test.yaml)

echo "== soundness (swift format lint, no try!/fatalError in Sources)"
scripts/soundness.sh

echo "== swift build (tests included)"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! swift build --build-tests 2>&1 | tee "$log" | grep -E 'error:|warning:|Compiling|Build complete' | grep -vE '^\[[0-9]+/[0-9]+\] Compiling' ; then
    :
fi
if grep -qE 'error:' "$log"; then
    echo "build failed" >&2
    exit 1
fi
if grep -E "^$PWD/(Sources|Tests)/.*warning:" "$log"; then
    echo "the build has warnings in the project's own code (the bar is zero)" >&2
    exit 1
fi

echo "== swift test"
# Serially: several suites drive real servers, receivers and child processes, and on 2 cores a
# parallel run starves them into timeouts that say nothing about the code.
swift test --skip-build --no-parallel "$@"

if [[ $# -eq 0 && -x scripts/check-formats.sh ]]; then
    echo "== independent format parsers"
    scripts/check-formats.sh
fi
