#!/usr/bin/env bash
# Regenerates the Swift message types of OTLP/HTTP logs (mode: otlp) from the official
# opentelemetry-proto files committed under proto/ (tag v1.11.0; see proto/README.md).
#
# The generated files are committed: building and testing never need protoc. Run this only after
# updating proto/. It needs:
#   - protoc: PyPI's grpcio-tools (python3 -m grpc_tools.protoc) or Debian's protobuf-compiler;
#   - protoc-gen-swift of the swift-protobuf version in Package.swift (1.39.0), e.g.
#       git clone --branch 1.39.0 https://github.com/apple/swift-protobuf.git /tmp/swift-protobuf
#       swift build -c release --product protoc-gen-swift --package-path /tmp/swift-protobuf
#     then PROTOC_GEN_SWIFT=/tmp/swift-protobuf/.build/release/protoc-gen-swift scripts/generate-otlp.sh
set -euo pipefail
cd "$(dirname "$0")/.."

plugin=${PROTOC_GEN_SWIFT:-$(command -v protoc-gen-swift || true)}
if [[ -z $plugin || ! -x $plugin ]]; then
    echo "generate-otlp: set PROTOC_GEN_SWIFT to a protoc-gen-swift 1.39.0 binary" >&2
    exit 1
fi
if command -v protoc >/dev/null; then
    protoc=(protoc)
elif python3 -c 'import grpc_tools' 2>/dev/null; then
    protoc=(python3 -m grpc_tools.protoc)
else
    echo "generate-otlp: needs protoc (pip install grpcio-tools, or apt-get install protobuf-compiler)" >&2
    exit 1
fi

out=Sources/Forwarder/Sinks/HTTP/OTLP/Generated
rm -rf "$out"
mkdir -p "$out"
# The collector's service file is generated for its request and response messages only:
# protoc-gen-swift writes no gRPC service code.
"${protoc[@]}" \
    --proto_path=proto \
    --plugin=protoc-gen-swift="$plugin" \
    --swift_out="$out" \
    --swift_opt=Visibility=Internal \
    --swift_opt=FileNaming=DropPath \
    opentelemetry/proto/common/v1/common.proto \
    opentelemetry/proto/resource/v1/resource.proto \
    opentelemetry/proto/logs/v1/logs.proto \
    opentelemetry/proto/collector/logs/v1/logs_service.proto
echo "generate-otlp: wrote $(ls "$out" | tr '\n' ' ')"
