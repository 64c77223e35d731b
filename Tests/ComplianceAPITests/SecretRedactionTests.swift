import ComplianceAPI
import MockComplianceAPI
import Testing

@Suite struct SecretRedactionTests {
    @Test func theKeyNeverAppearsInDescriptionsDumpsErrorsOrLogs() async throws {
        let key = APIKey(testKey)
        var dumped = ""
        dump(key, to: &dumped)
        let configuration = ComplianceClient.Configuration(apiKey: key)
        var dumpedConfiguration = ""
        dump(configuration, to: &dumpedConfiguration)
        for text in [
            key.description, key.debugDescription, "\(key)", String(reflecting: key), dumped,
            "\(configuration)", dumpedConfiguration,
        ] {
            #expect(!text.contains("SECRET"), "\(text)")
        }
        #expect(key.family == "sk-ant-api01")

        let clock = VirtualClock()
        let (logger, handler) = makeRecordingLogger()
        try await MockComplianceAPI.withRunning(configuration: .init(apiKey: testKey, clock: clock)) { mock in
            let client = makeClient(
                mock,
                clock: clock,
                retry: RetryPolicy(jitter: 0, maximumRetries: 1),
                logger: logger
            )
            mock.enqueueFaults([.unavailable(503), .unauthorized, .unavailable(503), .unavailable(503)])
            var errors: [String] = []
            for _ in 0..<2 {
                do { _ = try await client.activities.list() } catch { errors.append("\(error)") }
            }
            _ = try await client.activities.list()
            #expect(errors.count == 2)
            let logged = handler.entries.map { "\($0.message) \($0.metadata)" }
            #expect(!logged.isEmpty)
            for text in errors + logged {
                #expect(!text.contains("SECRET"), "\(text)")
            }
        }
    }

    @Test func theMockOnlyAcceptsItsKeyAndAnswersOthersWith404() async throws {
        try await MockComplianceAPI.withRunning(configuration: .init(apiKey: "the-right-key")) { mock in
            let client = makeClient(mock)
            let error = try await #require(throws: ComplianceAPIError.self) { try await client.activities.list() }
            #expect(error.code == .notFound)
        }
    }
}

@Suite struct APIKeyFamilyTests {
    @Test(arguments: [
        ("sk-ant-api01-abc-def", "sk-ant-api01"),
        ("sk-ant-admin01-xyz", "sk-ant-admin01"),
        ("sk-ant-SECRETNODASHES", "unrecognised"),
        ("sk-proj-SECRET-x", "unrecognised"),
        ("sk-ant-secretsecretsecret-x", "unrecognised"),
        ("", "unrecognised"),
    ])
    func familyNeverIncludesTheSecret(_ key: String, _ family: String) {
        #expect(APIKey(key).family == family)
    }
}
