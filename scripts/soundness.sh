#!/usr/bin/env bash
# Lint: swift-format (NIO's rules, .swift-format), shell scripts, and no stray force-tries on input paths.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "swift format lint"
swift format lint --strict --recursive --parallel Sources Tests

echo "no try!/fatalError in Sources"
if grep -RnE 'try!|fatalError\(' Sources; then
    echo "soundness: try!/fatalError found in Sources (input paths must report errors, not crash)" >&2
    exit 1
fi

if command -v shellcheck >/dev/null; then
    echo "shellcheck"
    shellcheck scripts/*.sh .ci/run
fi
echo "soundness: ok"
