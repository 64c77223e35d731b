import ComplianceAPI
import Testing

@testable import Forwarder

/// The runtime's error types are one struct (`ForwarderError`) with a domain each: every domain
/// keeps the wording and the retry rule it had as a struct of its own.
@Suite struct ErrorDomainTests {
    @Test func eachDomainKeepsItsWording() {
        #expect(
            HTTPSinkError(code: .unavailable, message: "busy", status: 503).description
                == "unavailable (HTTP 503): busy"
        )
        #expect(HTTPSinkError(code: .setup, message: "no host").description == "setup: no host")
        #expect(FileError(code: .io, message: "disk full", path: "/a/b").description == "/a/b: disk full")
        #expect(FileError(code: .compression, message: "deflate failed").description == "deflate failed")
        #expect(SyslogSinkError(.connectFailed, "refused").description == "syslog connect_failed: refused")
        #expect(StateStoreError(.leaseLost, "epoch 3").description == "state backend (lease_lost): epoch 3")
        #expect(HealthServerError(message: "address in use").description == "address in use")
    }

    @Test func eachDomainKeepsItsRetryRule() {
        #expect(HTTPSinkError(code: .transport, message: "").isRetryable)
        #expect(HTTPSinkError(code: .malformedReply, message: "").isRetryable)
        #expect(!HTTPSinkError(code: .configuration, message: "").isRetryable)
        #expect(!HTTPSinkError(code: .rejected, message: "").isRetryable)
        #expect(FileError(code: .io, message: "").isRetryable)
        #expect(!FileError(code: .corruptCheckpoint, message: "").isRetryable)
        #expect(SyslogSinkError(.connectionLost, "").isRetryable)
        #expect(!SyslogSinkError(.invalidTLSConfiguration, "").isRetryable)
        #expect(StateStoreError(.unavailable, "").isRetryable)
        #expect(!StateStoreError(.leaseLost, "").isRetryable)
        #expect(!HealthServerError(message: "").isRetryable)
    }

    @Test func theContextReadsAsTheErrorsOwnProperties() {
        var error = HTTPSinkError(code: .rejected, message: "refused", status: 400)
        #expect(error.status == 400)
        error.status = nil
        #expect(error.context == HTTPSinkFailure(status: nil))
        #expect(error.description == "rejected: refused")
        #expect(FileError(code: .io, message: "", path: "/p").path == "/p")
    }

    @Test func codesCompareByNameWithinADomain() {
        #expect(HTTPSinkError.Code.transport == .transport)
        #expect(HTTPSinkError.Code.transport != .unavailable)
        #expect(FileError.Code.corruptCheckpoint.description == "corrupt_checkpoint")
        #expect(Set([StateStoreError.Code.unavailable, .unavailable, .incompatible]).count == 2)
    }
}
