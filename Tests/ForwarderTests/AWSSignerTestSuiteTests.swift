import ComplianceAPI
import ForwarderCore
import Foundation
import Testing

@testable import Forwarder

/// AWS Signature Version 4 against AWS's own test suite: every case of `aws-sig-v4-test-suite`
/// (copied with its LICENSE and NOTICE into `Resources/aws-sig-v4-test-suite`, from botocore's
/// `tests/unit/auth/aws4_testsuite`, which carries AWS's published suite unchanged). Each case
/// checks the canonical request, the string to sign and the `Authorization` header, so a
/// failure shows which step is wrong.
@Suite struct AWSSignerTestSuiteTests {
    static let credentials = AWSCredentials(
        accessKeyID: "AKIDEXAMPLE",
        secretAccessKey: Secret("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    )
    /// The session token `get-vanilla-with-session-token` signs.
    static let sessionToken = "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267"
    static let date = RFC3339Timestamp("2015-08-30T12:36:00Z") ?? RFC3339Timestamp(secondsSinceEpoch: 0)

    static var suiteDirectory: URL {
        get throws {
            let resources = try #require(Bundle.module.url(forResource: "Resources", withExtension: nil))
            return resources.appendingPathComponent("aws-sig-v4-test-suite")
        }
    }

    static func caseNames() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: try suiteDirectory.path)
            .filter { !["LICENSE", "NOTICE"].contains($0) }
            .sorted()
    }

    @Test func theWholeSuiteIsPresent() throws {
        #expect(try Self.caseNames().count == 34)
    }

    @Test(arguments: try caseNames())
    func signsLikeTheSuite(_ name: String) throws {
        let directory = try Self.suiteDirectory.appendingPathComponent(name)
        func file(_ ext: String) throws -> String {
            try String(contentsOf: directory.appendingPathComponent("\(name).\(ext)"), encoding: .utf8)
        }
        let request = try Self.parse(try file("req"))
        var credentials = Self.credentials
        if name == "get-vanilla-with-session-token" { credentials.sessionToken = Secret(Self.sessionToken) }
        let signer = AWSSigner(region: "us-east-1", service: "service")

        let added = signer.addedHeaders(request, credentials: credentials, date: Self.date)
        let canonical = signer.canonicalRequest(request, adding: added)
        #expect(canonical.text == (try file("creq")))
        #expect(signer.stringToSign(canonicalRequest: canonical.text, date: Self.date) == (try file("sts")))
        let headers = signer.sign(request, credentials: credentials, date: Self.date)
        #expect(headers.first { $0.name == "authorization" }?.value == (try file("authz")))
        #expect(headers.first { $0.name == "x-amz-date" }?.value == "20150830T123600Z")
        #expect(!headers.contains { $0.name == "x-amz-content-sha256" })
    }

    /// A `.req` file: request line, headers (a line starting with white space continues the
    /// previous value), a blank line, the body. `X-Amz-Date` is left out: the signer sets it.
    static func parse(_ text: String) throws -> AWSSignableRequest {
        let (head, body) =
            text.range(of: "\n\n").map { (String(text[..<$0.lowerBound]), String(text[$0.upperBound...])) }
            ?? (text, "")
        var lines = head.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let requestLine = lines.removeFirst()
        let method = String(requestLine.prefix { $0 != " " })
        let target = String(requestLine.dropFirst(method.count + 1).dropLast(" HTTP/1.1".count))
        var headers: [(name: String, value: String)] = []
        for line in lines where !line.isEmpty {
            if line.first?.isWhitespace == true, let last = headers.indices.last {
                headers[last].value += "\n" + line
                continue
            }
            let colon = try #require(line.firstIndex(of: ":"))
            headers.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
        }
        let host = try #require(headers.first { $0.name.lowercased() == "host" }?.value)
        let query = target.firstIndex(of: "?")
        return AWSSignableRequest(
            method: method,
            host: host,
            path: String(target[..<(query ?? target.endIndex)]),
            query: query.map { String(target[target.index(after: $0)...]) } ?? "",
            headers: headers.filter { $0.name.lowercased() != "x-amz-date" },
            payload: .bytes(Array(body.utf8))
        )
    }
}
