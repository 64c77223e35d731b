import ComplianceAPI
import Testing

@testable import ForwarderCore

@Suite("CEF encoder")
struct CEFEncoderTests {
    /// formats.md's vendor identity; `cs2` and `cs4` off because vector 1.7.1 carries no actor type.
    static let example = CEFEncoder(
        configuration: .init(
            vendor: "ExampleCo",
            product: "AuditForwarder",
            version: "1.0.0",
            includesActorType: false,
            includesActorFields: false
        )
    )
    static let context = ActivityEncodingContext(readTime: RFC3339Timestamp(secondsSinceEpoch: 1_714_567_000))

    func encode(
        _ activity: Activity,
        encoder: CEFEncoder = CEFEncoderTests.example,
        mapping: ActivityTypeMapping? = nil,
        selfGenerated: Bool = false
    ) -> String {
        var bytes: [UInt8] = []
        let context = ActivityEncodingContext(readTime: Self.context.readTime, selfGenerated: selfGenerated)
        encoder.encode(
            activity,
            mapping: mapping ?? ActivityMappingTable.mapping(for: activity.type),
            context: context,
            into: &bytes
        )
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test("vector 1.7.1: A1")
    func vectorA1() throws {
        let line = encode(try Fixtures.a1())
        #expect(
            line
                == "CEF:0|ExampleCo|AuditForwarder|1.0.0|sso_login_succeeded|SSO login succeeded|3|rt=1714566896789 externalId=act_01HZX3 act=sso_login_succeeded outcome=success suser=alice@example.com src=203.0.113.7 requestClientApplication=Mozilla/5.0 (X11; Linux x86_64) cs1Label=organizationId cs1=org_123"
        )
        // With the default options the actor type follows as cs2.
        let full = encode(
            try Fixtures.a1(),
            encoder: CEFEncoder(configuration: .init(vendor: "ExampleCo", product: "AuditForwarder", version: "1.0.0"))
        )
        #expect(full.hasSuffix("cs1Label=organizationId cs1=org_123 cs2Label=actorType cs2=user"))
    }

    @Test("vector 1.7.2 and 1.7.9: header and extension escaping differ, and parse back")
    func vectorEscaping() throws {
        var bytes = Array("CEF:0|".utf8)
        for field in ["Example|Co", "Audit\\Fwd", "1.0.0", "x", "a | b \\ c = d"] {
            CEFEscaping.appendHeaderField(field, maxLength: 1023, into: &bytes)
            bytes.append(UInt8(ascii: "|"))
        }
        bytes.append(contentsOf: "5|msg=".utf8)
        CEFEscaping.appendExtensionValue(
            try #require(CEFEscaping.preparedExtensionValue("a=b c\\d e|f", maxLength: 1023)),
            into: &bytes
        )
        let line = String(decoding: bytes, as: UTF8.self)
        #expect(line == #"CEF:0|Example\|Co|Audit\\Fwd|1.0.0|x|a \| b \\ c = d|5|msg=a\=b c\\d e|f"#)
        let record = try StrictCEFParser.parse(line)
        #expect(record.header == ["0", "Example|Co", "Audit\\Fwd", "1.0.0", "x", "a | b \\ c = d", "5"])
        #expect(record.extensions == [.init(key: "msg", value: "a=b c\\d e|f")])

        // The encoder writes the same header from its configuration and mapping.
        let encoder = CEFEncoder(configuration: .init(vendor: "Example|Co", product: "Audit\\Fwd", version: "1.0.0"))
        let activity = try Fixtures.activity(#"{"id":"i","created_at":"2024-05-01T12:34:56Z","type":"x","actor":{}}"#)
        let mapping = ActivityTypeMapping(name: "a | b \\ c = d", categories: [.api], types: [.info], severity: 5)
        #expect(
            encode(activity, encoder: encoder, mapping: mapping).hasPrefix(
                #"CEF:0|Example\|Co|Audit\\Fwd|1.0.0|x|a \| b \\ c = d|5|rt="#
            )
        )
    }

    @Test("vector 1.7.3: line breaks")
    func vectorLineBreaks() throws {
        var bytes: [UInt8] = []
        CEFEscaping.appendExtensionValue(
            try #require(CEFEscaping.preparedExtensionValue("line1\nline2\r\nline3", maxLength: 1023)),
            into: &bytes
        )
        #expect(String(decoding: bytes, as: UTF8.self) == #"line1\nline2\r\nline3"#)
        let activity = try Fixtures.activity(#"{"id":"i","created_at":"2024-05-01T12:34:56Z","type":"x","actor":{}}"#)
        let mapping = ActivityTypeMapping(name: "two\nlines", categories: [.api], types: [.info], severity: 1)
        #expect(encode(activity, mapping: mapping).contains("|x|two lines|1|"))
    }

    @Test("vector 1.7.4: backslashes in a custom string")
    func vectorBackslash() throws {
        let activity = try Fixtures.activity(
            #"{"id":"i","created_at":"2024-05-01T12:34:56Z","type":"x","actor":{"type":"C:\\Temp\\x"}}"#
        )
        let line = encode(activity, encoder: CEFEncoder())
        #expect(line.contains(#"cs2Label=actorType cs2=C:\\Temp\\x"#))
    }

    @Test("vector 1.7.5: IPv6 goes to c6a2, never src")
    func vectorIPv6() throws {
        let activity = try Fixtures.activity(
            #"{"id":"i","created_at":"2024-05-01T12:34:56Z","type":"x","actor":{"type":"user_actor","ip_address":"2001:db8::1"}}"#
        )
        let line = encode(activity)
        #expect(line.contains("c6a2=2001:db8::1 c6a2Label=Source IPv6 Address"))
        #expect(!line.contains(" src="))
        // Invalid text goes to neither, but is kept in actorFields.
        let bogus = try Fixtures.activity(
            #"{"id":"i","created_at":"2024-05-01T12:34:56Z","type":"x","actor":{"type":"user_actor","ip_address":"999.1.1.1"}}"#
        )
        let bogusLine = encode(bogus, encoder: CEFEncoder())
        #expect(!bogusLine.contains(" src=") && !bogusLine.contains("c6a2"))
        #expect(bogusLine.contains(#"cs4={"ip_address":"999.1.1.1"}"#))
    }

    @Test("vector 1.7.6: rt is UTC epoch milliseconds, truncated")
    func vectorReceiptTime() throws {
        let activity = try Fixtures.activity(
            #"{"id":"i","created_at":"2024-05-01T14:34:56.789999+02:00","type":"x","actor":{}}"#
        )
        #expect(encode(activity).contains("|rt=1714566896789 "))
    }

    @Test("vector 1.7.7: values are trimmed and empty ones omitted")
    func vectorTrimming() throws {
        let padded = try Fixtures.activity(
            #"{"id":"i","created_at":"2024-05-01T12:34:56Z","type":"x","actor":{"user_agent":"x  ","email_address":"   "}}"#
        )
        let line = encode(padded)
        #expect(line.hasSuffix("requestClientApplication=x"))
        #expect(!line.contains("suser"))
        #expect(CEFEscaping.preparedExtensionValue("x  ", maxLength: nil) == "x")
        #expect(CEFEscaping.preparedExtensionValue("", maxLength: nil) == nil)
    }

    @Test("vector 1.7.8: severities")
    func vectorSeverity() throws {
        for (severity, label) in [
            (0, "Low"), (3, "Low"), (4, "Medium"), (6, "Medium"), (7, "High"), (8, "High"), (9, "Very-High"),
            (10, "Very-High"),
        ] {
            #expect(
                ActivityTypeMapping(name: "n", categories: [.api], types: [.info], severity: severity).severityLabel
                    == label
            )
        }
        #expect(ActivityTypeMapping(name: "n", categories: [.api], types: [.info], severity: 11).severity == 10)
        #expect(ActivityTypeMapping(name: "n", categories: [.api], types: [.info], severity: -1).severity == 0)
        for valid in ["9", "Very-High", "0", "10"] {
            #expect(throws: Never.self) { try StrictCEFParser.parse("CEF:0|a|b|c|d|e|\(valid)|") }
        }
        for invalid in ["11", "-1", "high!", "05"] {
            #expect(throws: StrictCEFParser.ParseError.self) {
                try StrictCEFParser.parse("CEF:0|a|b|c|d|e|\(invalid)|")
            }
        }
    }

    @Test("long ids move whole to cs6")
    func longIDs() throws {
        let id = "activity_" + String(repeating: "x", count: 60)
        let activity = try Fixtures.activity(
            #"{"id":"\#(id)","created_at":"2024-05-01T12:34:56Z","type":"x","actor":{}}"#
        )
        let record = try StrictCEFParser.parse(encode(activity))
        #expect(!record.extensions.contains { $0.key == "externalId" })
        #expect(
            record.extensions.suffix(2) == [.init(key: "cs6Label", value: "activityId"), .init(key: "cs6", value: id)]
        )
    }

    @Test("per-type fields, actor fields, targets and the self-generated marker")
    func customStrings() throws {
        let samples = try TestResources.sampleActivities()
        let poll = try #require(samples.first { $0.type == "compliance_api_accessed" })
        let record = try StrictCEFParser.parse(encode(poll, encoder: CEFEncoder(), selfGenerated: true))
        let values = Dictionary(record.extensions.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
        #expect(values["cs3Label"] == "activityFields")
        #expect(try JSONParser.parse(values["cs3"] ?? "") == .object(poll.extra))
        #expect(values["cs5Label"] == "selfGenerated" && values["cs5"] == "true")
        #expect(values["requestMethod"] == "GET")
        #expect(values["suid"] == poll.actor.apiKeyID)
        #expect(values["outcome"] == "success")
        #expect(values["cs4"] == #"{"api_key_id":"\#(poll.actor.apiKeyID ?? "")"}"#)

        let member = try #require(samples.first { $0.type == "platform_workspace_member_added" })
        let memberValues = try StrictCEFParser.parse(encode(member, encoder: CEFEncoder())).extensions
        #expect(memberValues.contains { $0.key == "duid" && $0.value == member.extra.string("user_id") })
    }

    @Test("file names, granted roles and request URLs reach their CEF keys")
    func standardKeys() throws {
        let samples = try TestResources.sampleActivities()
        func values(_ type: String) throws -> [String: String] {
            let activity = try #require(samples.first { $0.type == type }, "\(type)")
            let record = try StrictCEFParser.parse(encode(activity, encoder: CEFEncoder()))
            return Dictionary(record.extensions.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
        }
        let upload = try values("claude_file_uploaded")
        #expect(upload["fname"] == "Prüfbericht_Q3_北京_отчёт (final).pdf")
        #expect(upload["outcome"] == "success")
        let grant = try values("role_assignment_granted")
        #expect(grant["dpriv"] == "admin")
        #expect(grant["duid"] != nil)
        let poll = try values("compliance_api_accessed")
        #expect(poll["request"]?.hasPrefix("https://api.anthropic.com/v1/compliance/activities?") == true)
        let attest = try values("platform_app_attest_authentication")
        #expect(attest["outcome"] == "failure")
        #expect(attest["reason"] == "assertion_replayed")
    }

    @Test("every type × actor variant parses strictly")
    func everyTypeParses() throws {
        let actors = Fixtures.actors.keys.sorted()
        var id = 0
        for type in try TestResources.activityTypes() + ["some_new_widget_deleted"] {
            for actor in actors {
                id += 1
                let activity = try Fixtures.activity(type: type, actor: actor, extra: id, id: id)
                let line = encode(activity, encoder: CEFEncoder(), selfGenerated: id % 5 == 0)
                let record = try StrictCEFParser.parse(line)
                #expect(record.header[4] == type)
                #expect(record.extensions.first?.key == "rt")
                let outcome = record.extensions.first { $0.key == "outcome" }?.value
                #expect(
                    ["success", "failure", "unknown"].contains(outcome),
                    "\(type): outcome \(outcome ?? "missing")"
                )
            }
        }
    }

    // MARK: - Property test

    /// The documented transformation of a value: trim Unicode white space, cut at `limit` UTF-16 code
    /// units on a scalar boundary, trim again. Written independently of `CEFEscaping`.
    static func expectedValue(_ text: String, limit: Int?) -> String? {
        func trim(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
            var result = scalars[...]
            while let first = result.first, first.properties.isWhitespace { result.removeFirst() }
            while let last = result.last, last.properties.isWhitespace { result.removeLast() }
            return Array(result)
        }
        var scalars = trim(Array(text.unicodeScalars))
        if let limit {
            var kept: [Unicode.Scalar] = []
            var units = 0
            for scalar in scalars {
                units += scalar.utf16.count
                if units > limit { break }
                kept.append(scalar)
            }
            scalars = trim(kept)
        }
        guard !scalars.isEmpty else { return nil }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }

    static func expectedHeader(_ text: String, limit: Int) -> String {
        var units = 0
        var view = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            units += scalar.utf16.count
            if units > limit { break }
            view.append(scalar == "\n" || scalar == "\r" ? " " : scalar)
        }
        return String(view)
    }

    @Test("random hostile values always parse back to the original (modulo trimming and truncation)")
    func propertyRoundTrip() throws {
        var generator = SeededGenerator(seed: 0xCEF)
        let addresses = ["203.0.113.9", "2001:db8::5", "::1", "1.2.3", "01.2.3.4", "fe80::1%en0", "", "bad ip"]
        for iteration in 0..<400 {
            func random() -> String { Hostile.string(using: &generator) }
            let vendor = random()
            let product = random()
            let version = random()
            let encoder = CEFEncoder(configuration: .init(vendor: vendor, product: product, version: version))
            let id = Bool.random(using: &generator) ? "activity_\(iteration)" : "activity_" + random()
            let type = "t" + random()
            let email = random()
            let userID = random()
            let userAgent = random()
            let actorType = random()
            let organization = random()
            let ip = addresses.randomElement(using: &generator) ?? ""
            let extraKey = "k" + random()
            let extraValue = random()
            let targetID = random()
            var actor = JSONObject()
            actor["type"] = .string(actorType)
            actor["email_address"] = .string(email)
            actor["user_id"] = .string(userID)
            actor["ip_address"] = .string(ip)
            actor["user_agent"] = .string(userAgent)
            actor["note"] = .string(random())
            var object = JSONObject()
            object["id"] = .string(id)
            object["created_at"] = .string("2024-05-01T12:34:56.789Z")
            object["type"] = .string(type)
            object["organization_id"] = .string(organization)
            object["actor"] = .object(actor)
            object[extraKey] = .string(extraValue)
            object["target_user_id"] = .string(targetID)
            let activity = try Activity(object: object, rawJSON: JSONValue.object(object).jsonText)
            let mapping = ActivityMappingTable.mapping(for: type)

            var bytes: [UInt8] = []
            encoder.encode(activity, mapping: mapping, context: Self.context, into: &bytes)
            #expect(!bytes.contains(0x0A) && !bytes.contains(0x0D), "one line")
            let line = try #require(String(validating: bytes, as: UTF8.self), "valid UTF-8")
            let record: StrictCEFParser.Record
            do {
                record = try StrictCEFParser.parse(line)
            } catch {
                Issue.record("iteration \(iteration): \(error)\n\(line.debugDescription)")
                continue
            }
            #expect(
                record.header == [
                    "0", Self.expectedHeader(vendor, limit: 63), Self.expectedHeader(product, limit: 63),
                    Self.expectedHeader(version, limit: 31), Self.expectedHeader(type, limit: 1023),
                    Self.expectedHeader(mapping.name, limit: 512), "5",
                ]
            )

            var expected: [StrictCEFParser.Pair] = [.init(key: "rt", value: "1714566896789")]
            func add(_ key: String, _ value: String?, _ limit: Int?) {
                if let value, let prepared = Self.expectedValue(value, limit: limit) {
                    expected.append(.init(key: key, value: prepared))
                }
            }
            let longID = id.utf16.count > 40
            if !longID { add("externalId", id, 40) }
            add("act", type, 63)
            add("outcome", mapping.outcome.rawValue, 63)
            add("suser", email, 1023)
            add("suid", userID, 1023)
            add("duid", targetID, 1023)
            if TestIP.isValid(ip), !ip.contains("%") {
                if ip.contains(":") {
                    add("c6a2", ip, 1023)
                    add("c6a2Label", "Source IPv6 Address", nil)
                } else {
                    add("src", ip, 1023)
                }
            }
            add("requestClientApplication", userAgent, 1023)
            func addCustom(_ number: Int, _ label: String, _ value: String, _ limit: Int?) {
                guard Self.expectedValue(value, limit: limit) != nil else { return }
                add("cs\(number)Label", label, 1023)
                add("cs\(number)", value, limit)
            }
            addCustom(1, "organizationId", organization, 4000)
            if !actorType.isEmpty { addCustom(2, "actorType", actorType, 4000) }
            addCustom(3, "activityFields", JSONValue.object(activity.extra).jsonText, 4000)
            let remaining = actor.members.filter { member in
                switch member.key {
                case "type": return actorType.isEmpty
                case "email_address", "user_id", "user_agent": return (member.value.stringValue ?? "").isEmpty
                case "ip_address": return !(TestIP.isValid(ip) && !ip.contains("%"))
                default: return true
                }
            }
            if !remaining.isEmpty {
                addCustom(4, "actorFields", JSONValue.object(JSONObject(members: remaining)).jsonText, 4000)
            }
            if longID { addCustom(6, "activityId", id, nil) }
            #expect(record.extensions == expected, "iteration \(iteration)")
        }
    }
}
