#!/usr/bin/env bash
# Cross-checks the encoders with independent parsers from PyPI: a sample of every documented
# activity type (and a few invented ones) rendered as CEF must parse with `cefp` and carry an
# outcome, and as RFC 5424 with `syslog-rfc5424-parser`; the Sentinel rows (`mode: azure_monitor`)
# against the table schema shipped in examples/sentinel/table.json; and OTLP/HTTP request bodies
# (`mode: otlp`), captured by the benchmark's receiver, decoded with PyPI `opentelemetry-proto`; and
# the S3 sink's SigV4 signatures against PyPI `botocore`'s S3SigV4Auth.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=$(swift build --show-bin-path)/compliance-forwarder
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$bin" mappings --samples --format cef >"$out/cef.txt"
"$bin" mappings --samples --format syslog >"$out/syslog.txt"
"$bin" mappings --samples --format sentinel >"$out/sentinel.txt"
# Types this version does not know get rows derived from their names: check those too.
for type in some_new_widget_deleted partner_login_failed partner_export_requested ccr_agent_proxy_token_rotated; do
    "$bin" mappings --type "$type" --format cef >>"$out/cef.txt" 2>/dev/null
    "$bin" mappings --type "$type" --format syslog >>"$out/syslog.txt" 2>/dev/null
    "$bin" mappings --type "$type" --format sentinel >>"$out/sentinel.txt" 2>/dev/null
done
echo "cef (cefp):"
python3 scripts/check-formats.py --kind cef "$out/cef.txt"
echo "rfc5424 (syslog-rfc5424-parser):"
python3 scripts/check-formats.py --kind rfc5424 "$out/syslog.txt"
echo "sentinel rows (examples/sentinel/table.json):"
python3 scripts/check-formats.py --kind sentinel "$out/sentinel.txt"
echo "otlp request bodies (opentelemetry-proto):"
# One sample of every documented type (and more), through the real sink and HTTP client.
mkdir -p "$out/otlp" "$out/otlp-gzip" "$out/otlp-json"
"$bin" benchmark http --mode otlp --events 1000 --page-size 250 --batch-events 200 \
    --capture-directory "$out/otlp" >/dev/null
"$bin" benchmark http --mode otlp --events 600 --gzip --capture-directory "$out/otlp-gzip" >/dev/null
"$bin" benchmark http --mode otlp --encoding json --events 600 --capture-directory "$out/otlp-json" >/dev/null
python3 scripts/check-formats.py --kind otlp "$out/otlp"
python3 scripts/check-formats.py --kind otlp "$out/otlp-json"
python3 scripts/check-formats.py --kind otlp "$out/otlp-gzip"
echo "sigv4 signatures of the S3 sink's requests (botocore S3SigV4Auth):"
"$bin" benchmark sigv4 --emit-requests >"$out/sigv4.jsonl"
python3 scripts/check-formats.py --kind sigv4 "$out/sigv4.jsonl"
