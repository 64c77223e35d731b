// swift-tools-version:6.1
//
// compliance-forwarder: streams the Claude Compliance API activity feed to SIEMs, archives and HTTP endpoints.
//
// Targets (see docs/architecture.md):
//   ComplianceAPI      public library: Activity model, query builder, client, errors, retry, rate budget
//   ForwarderCore      domain, no network: mapping table, CEF/ECS/syslog encoders, checkpoint,
//                      acknowledgement and lease state machines (pure values), the configuration model with
//                      its loader (the one part that reads files: the YAML and the files it names;
//                      it also maps settings to the client's configuration and the CLI's exit codes)
//   MockComplianceAPI  in-process simulator of the upstream endpoint (tests, demo, benchmarks); its
//                      own copy of the spec data, independent of the client's decoder and ForwarderCore
//   Forwarder          runtime services: poller, pipeline, sinks, checkpoint stores (file, PostgreSQL),
//                      health server
//   compliance-forwarder  the thin CLI
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

let package = Package(
    name: "compliance-forwarder",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "ComplianceAPI", targets: ["ComplianceAPI"]),
        .executable(name: "compliance-forwarder", targets: ["compliance-forwarder"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.29.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.25.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.1.0"),
        .package(url: "https://github.com/apple/swift-async-algorithms.git", from: "1.1.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        // The PostgreSQL state backend (lease + checkpoint rows); it reuses NIO, NIOSSL and swift-log.
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.25.0"),
        // OTLP/HTTP logs (`mode: otlp`): the runtime only; the message types are generated from the
        // official .proto files under proto/ and committed (scripts/generate-otlp.sh).
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
    ],
    targets: [
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        // openpty(3), for the tests that run the binary on a pseudo-terminal.
        .systemLibrary(name: "CPseudoTerminal", path: "Sources/CPseudoTerminal"),
        .target(
            name: "ComplianceAPI",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ForwarderCore",
            dependencies: [
                "ComplianceAPI",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "MockComplianceAPI",
            dependencies: [
                "ComplianceAPI",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Forwarder",
            dependencies: [
                "ComplianceAPI",
                "ForwarderCore",
                "CZlib",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "compliance-forwarder",
            dependencies: [
                "ComplianceAPI",
                "ForwarderCore",
                "Forwarder",
                "MockComplianceAPI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ComplianceAPITests",
            dependencies: [
                "ComplianceAPI", "MockComplianceAPI",
                .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ForwarderCoreTests",
            dependencies: ["ForwarderCore", "ComplianceAPI"],
            resources: [.copy("Resources")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ForwarderTests",
            dependencies: [
                "Forwarder", "MockComplianceAPI", "ComplianceAPI", "ForwarderCore", "CZlib", "CPseudoTerminal",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            // AWS's SigV4 test suite (Apache-2.0, with its NOTICE), read by AWSSignerTestSuiteTests.
            resources: [.copy("Resources")],
            swiftSettings: swiftSettings
        ),
    ]
)
