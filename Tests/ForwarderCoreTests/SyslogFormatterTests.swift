import ComplianceAPI
import Testing

@testable import ForwarderCore

@Suite("Syslog formatter")
struct SyslogFormatterTests {
    static let a1CEF =
        "CEF:0|ExampleCo|AuditForwarder|1.0.0|sso_login_succeeded|SSO login succeeded|3|rt=1714566896789 suser=alice@example.com"

    func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test("vector 3.5.1: A1 with CEF, local0.info, octet-counted")
    func vectorA1() throws {
        let formatter = SyslogHeaderEncoder(
            configuration: .init(
                facility: 16,
                hostname: "fwd.example.com",
                appName: "acme-audit",
                includesStructuredData: false
            )
        )
        let activity = try Fixtures.a1()
        var message: [UInt8] = []
        formatter.append(
            activity,
            mapping: ActivityMappingTable.mapping(for: activity.type),
            context: .init(readTime: .now),
            into: &message
        ) {
            $0.append(contentsOf: Self.a1CEF.utf8)
        }
        let expected =
            "<134>1 2024-05-01T12:34:56.789Z fwd.example.com acme-audit - sso_login_succeeded - " + Self.a1CEF
        #expect(text(message) == expected)
        #expect(message.count == 202)
        #expect(text(SyslogFraming.octetCounted(message)) == "202 " + expected)
        #expect(throws: Never.self) { try StrictSyslogValidator.validate(message) }
    }

    @Test("vector 3.5.2: octets, not characters; BOM counted")
    func vectorOctets() throws {
        for bom in [false, true] {
            let formatter = SyslogHeaderEncoder(
                configuration: .init(hostname: "fwd.example.com", appName: "acme-audit", includesByteOrderMark: bom)
            )
            var message: [UInt8] = []
            formatter.append(
                severity: 6,
                timestamp: RFC3339Timestamp("2024-05-01T12:34:56.789Z"),
                messageID: nil,
                structuredData: [],
                into: &message
            ) { $0.append(contentsOf: "hé".utf8) }
            let framed = text(SyslogFraming.octetCounted(message))
            if bom {
                #expect(
                    framed.hasPrefix("71 <110>1 2024-05-01T12:34:56.789Z fwd.example.com acme-audit - - - \u{FEFF}hé")
                )
            } else {
                #expect(framed == "68 <110>1 2024-05-01T12:34:56.789Z fwd.example.com acme-audit - - - hé")
            }
            #expect(throws: Never.self) { try StrictSyslogValidator.validate(message) }
        }
    }

    @Test("vector 3.5.3: structured-data escaping")
    func vectorStructuredData() throws {
        var bytes: [UInt8] = []
        SyslogHeaderEncoder.appendStructuredData(
            [
                .init(
                    id: "audit@32473",
                    parameters: [.init(name: "org", value: "org_1"), .init(name: "note", value: #"a"b\c]d"#)]
                )
            ],
            into: &bytes
        )
        #expect(text(bytes) == #"[audit@32473 org="org_1" note="a\"b\\c\]d"]"#)
    }

    @Test("vector 3.5.4: all NILVALUEs")
    func vectorAllNil() throws {
        let formatter = SyslogHeaderEncoder(
            configuration: .init(facility: 16, hostname: nil, appName: nil, procID: nil)
        )
        var message: [UInt8] = []
        formatter.append(severity: 6, timestamp: nil, messageID: nil, structuredData: [], into: &message) { _ in }
        #expect(text(message) == "<134>1 - - - - - -")
        #expect(text(SyslogFraming.octetCounted(message)) == "18 <134>1 - - - - - -")
        #expect(throws: Never.self) { try StrictSyslogValidator.validate(message) }
        #expect(throws: StrictSyslogValidator.Invalid.self) {
            try StrictSyslogValidator.validate(Array("<134>1 - - - - -".utf8))
        }
    }

    @Test("vector 3.5.5: PRI")
    func vectorPriority() throws {
        #expect(SyslogHeaderEncoder.priority(facility: 13, severity: 6) == 110)
        #expect(SyslogHeaderEncoder.priority(facility: 10, severity: 5) == 85)
        #expect(SyslogHeaderEncoder.priority(facility: 16, severity: 6) == 134)
        #expect(SyslogHeaderEncoder.priority(facility: 99, severity: 99) == 191)
        #expect(throws: StrictSyslogValidator.Invalid.self) {
            try StrictSyslogValidator.validate(Array("<192>1 - - - - - -".utf8))
        }
        #expect(throws: StrictSyslogValidator.Invalid.self) {
            try StrictSyslogValidator.validate(Array("<013>1 - - - - - -".utf8))
        }
        // Severity from the CEF band.
        #expect(
            [0, 3, 4, 6, 7, 8, 9, 10].map(SyslogHeaderEncoder.severity(forCEFSeverity:)) == [6, 6, 5, 5, 4, 4, 2, 2]
        )
    }

    @Test("vector 3.5.6: at most six fraction digits, uppercase T and Z")
    func vectorTimestamp() throws {
        let formatter = SyslogHeaderEncoder(configuration: .init(hostname: "h"))
        func stamp(_ text: String) -> String {
            var message: [UInt8] = []
            formatter.append(
                severity: 6,
                timestamp: RFC3339Timestamp(text),
                messageID: nil,
                structuredData: [],
                into: &message
            ) { _ in }
            return String(self.text(message).split(separator: " ")[1])
        }
        #expect(stamp("2024-05-01T12:34:56.789123456Z") == "2024-05-01T12:34:56.789123Z")
        #expect(stamp("2024-05-01t12:34:56.5z") == "2024-05-01T12:34:56.5Z")
        #expect(stamp("2024-05-01T14:34:56+02:00") == "2024-05-01T12:34:56Z")
        #expect(stamp("2016-12-31T23:59:60Z") == "2017-01-01T00:00:00Z", "no leap second is emitted")
    }

    @Test("vector 3.5.7: header fields are sanitized")
    func vectorSanitizing() throws {
        let formatter = SyslogHeaderEncoder(
            configuration: .init(hostname: "höst name", appName: "acme audit", procID: "42")
        )
        let longType = String(repeating: "x", count: 33)
        #expect(SyslogHeaderEncoder.messageID(for: longType) == nil)
        #expect(SyslogHeaderEncoder.messageID(for: "sso_login_failed") == "sso_login_failed")
        #expect(SyslogHeaderEncoder.messageID(for: "typ é") == nil)
        var message: [UInt8] = []
        formatter.append(
            severity: 6,
            timestamp: nil,
            messageID: SyslogHeaderEncoder.messageID(for: longType),
            structuredData: [],
            into: &message
        ) { _ in }
        #expect(text(message) == "<110>1 - h_st_name acme_audit 42 - -")
        #expect(SyslogHeaderEncoder.headerField(String(repeating: "a", count: 60), maxLength: 48).count == 48)
    }

    @Test("vector 3.5.8: RFC 3164 header in UTC")
    func vectorLegacy() throws {
        let formatter = SyslogHeaderEncoder(
            configuration: .init(facility: 16, hostname: "fwd.example.com", appName: nil, headerStyle: .rfc3164)
        )
        let activity = try Fixtures.a1()
        var message: [UInt8] = []
        formatter.append(
            activity,
            mapping: ActivityMappingTable.mapping(for: activity.type),
            context: .init(readTime: .now),
            into: &message
        ) {
            $0.append(contentsOf: Self.a1CEF.utf8)
        }
        #expect(text(message) == "<134>May  1 12:34:56 fwd " + Self.a1CEF)

        let tagged = SyslogHeaderEncoder(
            configuration: .init(
                facility: 13,
                hostname: "10.0.0.5",
                appName: "claude audit",
                procID: "77",
                headerStyle: .rfc3164
            )
        )
        var taggedMessage: [UInt8] = []
        let december = try #require(RFC3339Timestamp("2024-12-25T01:02:03.999Z"))
        tagged.append(severity: 5, timestamp: december, messageID: nil, structuredData: [], into: &taggedMessage) {
            $0.append(contentsOf: "hi".utf8)
        }
        #expect(text(taggedMessage) == "<109>Dec 25 01:02:03 10.0.0.5 claude_audit[77]: hi")
    }

    @Test("activity structured data and severity")
    func activityMessage() throws {
        let formatter = SyslogHeaderEncoder(configuration: .init(hostname: "fwd.example.com"))
        let activity = try Fixtures.activity(
            #"{"id":"act\"]1","created_at":"2024-05-01T12:34:56.789Z","type":"org_sso_connection_deleted","organization_id":"org_1","actor":{}}"#
        )
        var message: [UInt8] = []
        formatter.append(
            activity,
            mapping: ActivityMappingTable.mapping(for: activity.type),
            context: .init(readTime: .now, selfGenerated: true),
            into: &message
        ) {
            ActivityEncoder(format: .cef).append(activity, context: .init(readTime: .now), into: &$0)
        }
        let parsed = try StrictSyslogValidator.validate(message)
        #expect(parsed.priority == 13 * 8 + 4)
        #expect(parsed.appName == "compliance-forwarder")
        #expect(parsed.messageID == "org_sso_connection_deleted")
        #expect(parsed.structuredData.first?.id == "claude@32473")
        let parameters = parsed.structuredData.first?.parameters ?? []
        #expect(parameters.map(\.0) == ["id", "org", "selfGenerated"])
        #expect(parameters.map(\.1) == [#"act"]1"#, "org_1", "true"])
        #expect(parsed.message?.starts(with: Array("CEF:0|".utf8)) == true)
    }

    @Test("framing helpers")
    func framing() {
        #expect(SyslogFraming.octetCounted(Array("a\nb".utf8)) == Array("3 a\nb".utf8))
        var lines: [UInt8] = []
        SyslogFraming.appendLineTerminated(Array("{\"a\":\r\n1}".utf8), into: &lines)
        SyslogFraming.appendLineTerminated(Array("x".utf8), into: &lines)
        #expect(String(decoding: lines, as: UTF8.self) == "{\"a\":  1}\nx\n")
    }

    @Test("random inputs always produce valid RFC 5424")
    func propertyValid() throws {
        var generator = SeededGenerator(seed: 5424)
        for iteration in 0..<500 {
            func maybe() -> String? {
                Int.random(in: 0..<5, using: &generator) == 0 ? nil : Hostile.string(using: &generator, maxPieces: 12)
            }
            let configuration = SyslogHeaderEncoder.Configuration(
                facility: Int.random(in: -5...30, using: &generator),
                hostname: maybe(),
                appName: maybe(),
                procID: maybe(),
                includesStructuredData: Bool.random(using: &generator),
                structuredDataID: Hostile.string(using: &generator, maxPieces: 6),
                includesByteOrderMark: Bool.random(using: &generator)
            )
            let formatter = SyslogHeaderEncoder(configuration: configuration)
            let severity = Int.random(in: -3...12, using: &generator)
            let timestamp: RFC3339Timestamp? =
                Bool.random(using: &generator)
                ? RFC3339Timestamp(
                    secondsSinceEpoch: Int64.random(in: 0...253_402_300_799, using: &generator),
                    nanoseconds: Int32.random(in: 0..<1_000_000_000, using: &generator)
                ) : nil
            var elements: [SyslogHeaderEncoder.StructuredDataElement] = []
            for _ in 0..<Int.random(in: 0...3, using: &generator) {
                var parameters: [SyslogHeaderEncoder.StructuredDataElement.Parameter] = []
                for _ in 0..<Int.random(in: 0...3, using: &generator) {
                    parameters.append(
                        .init(
                            name: Hostile.string(using: &generator, maxPieces: 6),
                            value: Hostile.string(using: &generator)
                        )
                    )
                }
                elements.append(.init(id: Hostile.string(using: &generator, maxPieces: 6), parameters: parameters))
            }
            let body = Array(Hostile.string(using: &generator).utf8)
            var message: [UInt8] = []
            formatter.append(
                severity: severity,
                timestamp: timestamp,
                messageID: maybe(),
                structuredData: elements,
                into: &message
            ) {
                $0.append(contentsOf: body)
            }
            do {
                let parsed = try StrictSyslogValidator.validate(message)
                #expect(
                    parsed.priority
                        == SyslogHeaderEncoder.priority(facility: configuration.facility, severity: severity)
                )
                // Every written parameter value unescapes back to the original.
                let written = parsed.structuredData.flatMap(\.parameters).map(\.1)
                let originals = elements.flatMap(\.parameters).map(\.value)
                for value in written { #expect(originals.contains(value), "iteration \(iteration)") }
                let expectedMessage = (configuration.includesByteOrderMark ? [0xEF, 0xBB, 0xBF] : []) + body
                #expect((parsed.message ?? []) == expectedMessage, "iteration \(iteration)")
            } catch {
                Issue.record(
                    "iteration \(iteration): \(error)\n\(String(decoding: message, as: UTF8.self).debugDescription)"
                )
            }
            let framed = SyslogFraming.octetCounted(message)
            #expect(framed.starts(with: Array("\(message.count) ".utf8)))
        }
    }
}
