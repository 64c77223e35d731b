import ComplianceAPI
import Testing

@Suite struct JSONTests {
    @Test func keepsMemberOrderAndNumberLiterals() throws {
        let text = #"{"z":1.50,"a":[true,false,null],"m":{"k":"v"},"n":-0.0e+10,"big":123456789012345678901234567890}"#
        let value = try JSONParser.parse(text)
        #expect(value.jsonText == text)
        #expect(value.objectValue?.members.map(\.key) == ["z", "a", "m", "n", "big"])
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let value = try JSONParser.parse(#""a\"b\\c\/d\n\t\u00e9\ud83d\ude00\u2028""#)
        #expect(value.stringValue == "a\"b\\c/d\n\té😀\u{2028}")
    }

    @Test func writerEscapesControlCharactersAndLineSeparators() throws {
        var writer = JSONWriter()
        writer.writeString("q\"b\\s\n\r\t\u{01}\u{2028}\u{2029}é")
        #expect(writer.text == #""q\"b\\s\n\r\t\u0001\u2028\u2029é""#)
        #expect(try JSONParser.parse(writer.text).stringValue == "q\"b\\s\n\r\t\u{01}\u{2028}\u{2029}é")
    }

    @Test(arguments: [
        "", "{", "[1,]", "{\"a\":}", "tru", "01", "1.", "\"\u{01}\"", "{\"a\":1}x", "\"\\x\"", "[\"\\ud800\"",
    ])
    func rejectsInvalidDocuments(_ text: String) {
        #expect(throws: JSONParser.SyntaxError.self) { try JSONParser.parse(text) }
    }

    @Test func rejectsHostileNesting() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONParser.SyntaxError.self) { try JSONParser.parse(deep) }
    }
}
