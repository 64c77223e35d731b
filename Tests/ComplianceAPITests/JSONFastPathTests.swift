import ComplianceAPI
import Testing

/// The byte-level fast paths (word-at-a-time string scanning, literal keys, moved member storage,
/// copy-through string writing) must give exactly what the byte-by-byte rules give.
@Suite struct JSONFastPathTests {
    /// A special byte at every offset around the 8-byte scanning words, in keys and values.
    @Test(arguments: ["\"", "\\", "\n", "\u{01}", "\u{2028}", "é", "😀"])
    func stringsWithASpecialCharacterAtEveryOffset(_ special: String) throws {
        for offset in 0..<20 {
            let text = String(repeating: "a", count: offset) + special + String(repeating: "b", count: 19 - offset)
            var writer = JSONWriter()
            writer.write(JSONValue.object([text: .string(text), "id": .string(text)]))
            let parsed = try JSONParser.parse(writer.text)
            #expect(parsed.objectValue?.members.map(\.key) == [text, "id"])
            #expect(parsed.objectValue?["id"]?.stringValue == text)
            #expect(parsed.jsonText == writer.text)
        }
    }

    @Test func knownAndUnknownKeysDecodeTheSame() throws {
        let text = #"{"id":1,"idx":2,"i\u0064":3,"created_at":4,"created_a":5,"user_agent":6,"user_agenT":7,"type":8}"#
        let object = try #require(try JSONParser.parse(text).objectValue)
        #expect(
            object.members.map(\.key) == [
                "id", "idx", "id", "created_at", "created_a", "user_agent", "user_agenT", "type",
            ]
        )
        #expect(object["id"] == .number("1"))
    }

    @Test func nestedContainersKeepTheirOwnMembers() throws {
        let text = #"{"a":{"b":[{"c":[]},{"d":{}}],"e":[1,[2,[3]]]},"f":[{"g":"h"}],"i":{}}"#
        let value = try JSONParser.parse(text)
        #expect(value.jsonText == text)
        #expect(value.objectValue?["a"]?.objectValue?["e"]?.arrayValue?.count == 2)
    }

    @Test func failedDocumentsLeaveNoStateBehind() throws {
        #expect(throws: JSONParser.SyntaxError.self) { try JSONParser.parse(#"{"a":{"b":[1,2,{"c":}]}}"#) }
        let page =
            #"{"data":[{"id":"a","created_at":"2026-01-01T00:00:00Z","type":"t","x":[{"y":1}]},"#
            + #"{"id":"b","created_at":"2026-01-01T00:00:01Z","type":"t","actor":{"type":"user_actor"}}],"has_more":false}"#
        let decoded = try CursorPage<Activity>.decode(Array(page.utf8))
        #expect(decoded.data.map(\.id) == ["a", "b"])
        #expect(JSONValue.object(decoded.data[0].extra).jsonText == #"{"x":[{"y":1}]}"#)
        #expect(decoded.data[1].actor.kind == .user)
        #expect(decoded.data[1].extra.isEmpty)
    }

    /// Repeated values come from the parser's string cache: whatever collides in it, every value
    /// must still decode to its own text.
    @Test func repeatedAndCollidingStringValuesKeepTheirOwnText() throws {
        var generator = SystemRandomNumberGenerator()
        // Same length, same first and last eight bytes, different middle: the cache's hash cannot
        // tell these apart, only the full comparison can.
        var values = (0..<40).map {
            "org_01Hq4bS6" + String($0, radix: 36) + String(repeating: "x", count: 9) + "q7N_tail"
        }
        values += (0..<600).map { _ in
            String(
                (0..<Int.random(in: 14...40, using: &generator)).map { _ in
                    "abcdef0123456789-_".randomElement(using: &generator) ?? "a"
                }
            )
        }
        values += [
            "a", String(repeating: "é", count: 12), String(repeating: "z", count: 256),
            String(repeating: "z", count: 257),
        ]
        let sequence = (0..<5000).map { _ in values[Int.random(in: 0..<values.count, using: &generator)] }
        var writer = JSONWriter()
        writer.write(JSONValue.array(sequence.map { .string($0) }))
        let parsed = try #require(try JSONParser.parse(writer.text).arrayValue)
        let decoded = parsed.map { $0.stringValue ?? "<not a string>" }
        let wrong = zip(decoded, sequence).filter { $0.0 != $0.1 }
        #expect(decoded.count == sequence.count)
        #expect(wrong.isEmpty, "\(wrong.count) values decoded wrong, first: \(String(describing: wrong.first))")
    }

    @Test func repeatedInvalidUTF8IsRepairedTheSameEachTime() throws {
        let invalid: [UInt8] = Array("user_agent_with_a_bad_byte_".utf8) + [0xFF] + Array("_end".utf8)
        let document =
            [UInt8(ascii: "[")] + [UInt8(ascii: "\"")] + invalid + [UInt8(ascii: "\"")] + [UInt8(ascii: ",")]
            + [UInt8(ascii: "\"")] + invalid + [UInt8(ascii: "\"")] + [UInt8(ascii: "]")]
        let parsed = try #require(try JSONParser.parse(document).arrayValue)
        let expected = String(decoding: invalid, as: UTF8.self)
        #expect(parsed == [.string(expected), .string(expected)])
        #expect(expected.contains("\u{FFFD}"))
    }

    @Test func writerCopiesPlainStringsAndEscapesTheRest() {
        var writer = JSONWriter()
        writer.writeString("plain ascii and é and 😀")
        writer.writeString("")
        writer.bytes.append(UInt8(ascii: "\""))
        writer.writeStringContents("a\"b")
        writer.writeStringContents(" c\u{2029}")
        writer.bytes.append(UInt8(ascii: "\""))
        #expect(writer.text == #""plain ascii and é and 😀""""# + #""a\"b c\u2029""#)
    }

    @Test func duplicateCommonFieldsKeepTheFirstAndStayOutOfExtra() throws {
        let activity = try Activity(
            json:
                #"{"id":"a","type":"t","created_at":"2026-01-01T00:00:00+01:00","id":"b","organization_uuid":"u","actor":{"type":"x"},"k":1}"#
        )
        #expect(activity.id == "a")
        #expect(activity.organizationUUID == "u")
        #expect(activity.createdAt == RFC3339Timestamp("2025-12-31T23:00:00Z"))
        #expect(activity.extra.members.map(\.key) == ["k"])
        #expect(activity.object.count == 7)
    }
}
