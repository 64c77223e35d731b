import ComplianceAPI
import ForwarderCore
import Testing

@testable import Forwarder

/// `check` for `mode: otlp`: an export request without records, judged with hints, the
/// credentials never in the detail.
@Suite struct HTTPOTLPProbeTests {
    static func configuration(
        url: String,
        encoding: ForwarderConfiguration.HTTPSink.OTLP.Encoding = .protobuf
    ) -> ForwarderConfiguration.HTTPSink {
        ForwarderConfiguration.HTTPSink(
            mode: .otlp,
            url: url,
            headers: ["Authorization": Secret(HTTPOTLPSinkTests.secretHeader)],
            otlp: .init(encoding: encoding)
        )
    }

    @Test(arguments: [ForwarderConfiguration.HTTPSink.OTLP.Encoding.protobuf, .json])
    func probePassesAndStoresNothing(encoding: ForwarderConfiguration.HTTPSink.OTLP.Encoding) async throws {
        let receiver = OTLPReceiver(requiredHeader: ("Authorization", HTTPOTLPSinkTests.secretHeader))
        let result = try await TestHTTPServer.withRunning(receiver.handle) { server in
            await SinkProbe.probeOTLP(Self.configuration(url: server.baseURL, encoding: encoding), timeout: .seconds(5))
        }
        #expect(result.outcome == .passed, "\(result.detail)")
        #expect(result.detail.contains("accepted an empty OTLP/HTTP logs export (\(encoding.name))"))
        let state = receiver.state.withLock { $0 }
        #expect(state.requests == 1 && state.stored.isEmpty && state.malformed.isEmpty)
    }

    @Test func refusedCredentialsAreMisconfiguredWithoutTheSecret() async throws {
        let receiver = OTLPReceiver(requiredHeader: ("Authorization", "Bearer another-token"))
        let result = try await TestHTTPServer.withRunning(receiver.handle) { server in
            await SinkProbe.probeOTLP(Self.configuration(url: server.baseURL), timeout: .seconds(5))
        }
        #expect(result.outcome == .misconfigured)
        #expect(result.detail.contains("refused the credentials"))
        #expect(!result.detail.contains("otlp-ingest-token"))
    }

    @Test func aPathWithoutAReceiverGetsTheURLHint() async throws {
        let notFound: TestHTTPServer.Handler = { _ in .reply(status: 404) }
        let result = try await TestHTTPServer.withRunning(notFound) { server in
            await SinkProbe.probeOTLP(Self.configuration(url: server.baseURL), timeout: .seconds(5))
        }
        #expect(result.outcome == .misconfigured)
        #expect(result.detail.contains("base URL"))
    }

    @Test func aClosedPortIsUnreachable() async {
        let result = await SinkProbe.probeOTLP(Self.configuration(url: "http://127.0.0.1:1"), timeout: .seconds(5))
        #expect(result.outcome == .unreachable)
    }
}
