import ComplianceAPI
import ForwarderCore
import Testing

@testable import Forwarder

/// S3's own SigV4 examples, and the S3 rules the generic suite does not cover.
@Suite struct AWSSignerS3Tests {
    /// The key of the examples in the S3 API reference, "Signature Calculations for the
    /// Authorization Header: Transferring Payload in a Single Chunk"
    /// (https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html).
    static let credentials = AWSCredentials(
        accessKeyID: "AKIAIOSFODNN7EXAMPLE",
        secretAccessKey: Secret("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    )
    static let date = RFC3339Timestamp("2013-05-24T00:00:00Z") ?? RFC3339Timestamp(secondsSinceEpoch: 0)
    static let signer = AWSSigner(region: "us-east-1", service: "s3")
    static let host = "examplebucket.s3.amazonaws.com"
    static let empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    /// The published examples: request, expected `SignedHeaders` and signature.
    static let examples: [(String, AWSSignableRequest, String, String)] = [
        (
            "GET Object with Range",
            AWSSignableRequest(method: "GET", host: host, path: "/test.txt", headers: [("Range", "bytes=0-9")]),
            "host;range;x-amz-content-sha256;x-amz-date",
            "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
        ),
        (
            "PUT Object with x-amz-storage-class",
            AWSSignableRequest(
                method: "PUT",
                host: host,
                path: "/test$file.text",
                headers: [("Date", "Fri, 24 May 2013 00:00:00 GMT"), ("x-amz-storage-class", "REDUCED_REDUNDANCY")],
                payload: .bytes(Array("Welcome to Amazon S3.".utf8))
            ),
            "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class",
            "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"
        ),
        (
            "GET Bucket Lifecycle",
            AWSSignableRequest(method: "GET", host: host, path: "/", query: "lifecycle"),
            "host;x-amz-content-sha256;x-amz-date",
            "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"
        ),
        (
            "GET Bucket (List Objects)",
            AWSSignableRequest(method: "GET", host: host, path: "/", query: "max-keys=2&prefix=J"),
            "host;x-amz-content-sha256;x-amz-date",
            "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"
        ),
    ]

    @Test(arguments: examples.indices)
    func publishedExample(_ index: Int) {
        let (name, request, signedHeaders, signature) = Self.examples[index]
        let headers = Self.signer.sign(request, credentials: Self.credentials, date: Self.date)
        let expected =
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            + "SignedHeaders=\(signedHeaders), Signature=\(signature)"
        #expect(headers.last?.name == "authorization")
        #expect(headers.last?.value == expected, "\(name)")
        #expect(headers.map(\.name) == ["x-amz-date", "x-amz-content-sha256", "authorization"])
    }

    @Test func precomputedAndUnsignedPayloads() {
        let body = Array("Welcome to Amazon S3.".utf8)
        let hashed = Self.signer.sign(
            AWSSignableRequest(method: "PUT", host: Self.host, path: "/k", payload: .bytes(body)),
            credentials: Self.credentials,
            date: Self.date
        )
        // The sink hashes a spooled segment beforehand and streams it: the same signature.
        let precomputed = Self.signer.sign(
            AWSSignableRequest(
                method: "PUT",
                host: Self.host,
                path: "/k",
                payload: .sha256(hex: "44CE7DD67C959E0D3524FFAC1771DFBBA87D2B6B4B4E99E42034A8B803F8B072")
            ),
            credentials: Self.credentials,
            date: Self.date
        )
        #expect(hashed.map(\.value) == precomputed.map(\.value))
        let unsigned = Self.signer.sign(
            AWSSignableRequest(method: "PUT", host: Self.host, path: "/k", payload: .unsigned),
            credentials: Self.credentials,
            date: Self.date
        )
        #expect(unsigned.first { $0.name == "x-amz-content-sha256" }?.value == "UNSIGNED-PAYLOAD")
        #expect(unsigned.last?.value != hashed.last?.value)
    }

    @Test func sessionTokenIsSentAndSigned() {
        var credentials = Self.credentials
        credentials.sessionToken = Secret("FwoGZXIvYXdzEXAMPLETOKEN")
        let headers = Self.signer.sign(
            AWSSignableRequest(method: "HEAD", host: Self.host),
            credentials: credentials,
            date: Self.date
        )
        #expect(headers.first { $0.name == "x-amz-security-token" }?.value == "FwoGZXIvYXdzEXAMPLETOKEN")
        #expect(
            headers.last?.value.contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,")
                == true
        )
    }

    /// S3 encodes each path segment once and never normalises: `%20` stays `%20`, `..` and `//`
    /// are parts of the key. A raw and an encoded wire form of the same key sign alike.
    @Test func s3PathsAreEncodedOnceAndNotNormalised() {
        #expect(AWSCanonicalForm.s3Path("/a%20b/%C3%BC.gz") == "/a%20b/%C3%BC.gz")
        #expect(AWSCanonicalForm.s3Path("/a b/ü.gz") == "/a%20b/%C3%BC.gz")
        #expect(AWSCanonicalForm.s3Path("/logs//x/../y") == "/logs//x/../y")
        #expect(AWSCanonicalForm.normalizedPath("/a%20b") == "/a%2520b")
        #expect(
            AWSSigner.uriEncode("2026/12/07/activities-1.ndjson.gz", keepingSlash: true)
                == "2026/12/07/activities-1.ndjson.gz"
        )
        #expect(AWSSigner.uriEncode("a+b=c/d", keepingSlash: false) == "a%2Bb%3Dc%2Fd")
    }

    /// ListObjectsV2 continuation tokens contain `+`, `/` and `=`: a `+` on the wire is a plus,
    /// not a space, and the canonical query sorts by encoded name then value.
    @Test func canonicalQueryOfListObjectsV2() {
        #expect(
            AWSCanonicalForm.query("list-type=2&prefix=logs%2F2026&continuation-token=1a%2Bb%2Fc%3D%3D")
                == "continuation-token=1a%2Bb%2Fc%3D%3D&list-type=2&prefix=logs%2F2026"
        )
        #expect(AWSCanonicalForm.query("a=1+2&b") == "a=1%2B2&b=")
        #expect(AWSCanonicalForm.query("object-lock") == "object-lock=")
    }

    @Test func urlsAreSplitAsClientsSendThem() throws {
        let request = try #require(
            AWSSignableRequest(method: "GET", url: "https://b.s3.eu-west-1.amazonaws.com:443/a%20b?list-type=2")
        )
        #expect(request.host == "b.s3.eu-west-1.amazonaws.com")
        #expect(request.path == "/a%20b")
        #expect(request.query == "list-type=2")
        let local = try #require(AWSSignableRequest(method: "HEAD", url: "http://127.0.0.1:9000"))
        #expect(local.host == "127.0.0.1:9000")
        #expect(local.path == "/")
        #expect(AWSSignableRequest(method: "GET", url: "no-scheme") == nil)
    }

    @Test func descriptionsHideTheSecret() {
        var credentials = Self.credentials
        credentials.sessionToken = Secret("FwoGZXIvYXdzEXAMPLETOKEN")
        var dumped = ""
        dump(credentials, to: &dumped)
        for text in ["\(credentials)", String(reflecting: credentials), dumped] {
            #expect(!text.contains("wJalrXUtnFEMI"))
            #expect(!text.contains("FwoGZXIvYXdzEXAMPLETOKEN"))
        }
        #expect("\(credentials)".contains("AKIAIOSFODNN7EXAMPLE"))
    }
}
