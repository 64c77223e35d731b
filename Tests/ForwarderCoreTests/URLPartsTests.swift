import Testing

@testable import ForwarderCore

@Suite("URL parts")
struct URLPartsTests {
    @Test("absolute URLs split into the ECS url fields")
    func splits() throws {
        let full = try #require(
            URLParts("https://api.anthropic.com:8443/v1/compliance/activities?limit=10&after_id=x#top")
        )
        #expect(full.scheme == "https")
        #expect(full.domain == "api.anthropic.com")
        #expect(full.port == 8443)
        #expect(full.path == "/v1/compliance/activities")
        #expect(full.query == "limit=10&after_id=x")
        #expect(full.fragment == "top")

        let bare = try #require(URLParts("http://example.com"))
        #expect(bare.domain == "example.com" && bare.path == nil && bare.query == nil && bare.port == nil)

        let ipv6 = try #require(URLParts("https://[2001:db8::1]:443/x"))
        #expect(ipv6.domain == "[2001:db8::1]")
        #expect(ipv6.port == 443)

        let credentials = try #require(URLParts("https://user:secret@host.example/p"))
        #expect(credentials.domain == "host.example")
        #expect(credentials.path == "/p")

        let emptyQuery = try #require(URLParts("https://h/?"))
        #expect(emptyQuery.query == "" && emptyQuery.path == "/")

        let noHost = try #require(URLParts("file:///etc/passwd"))
        #expect(noHost.domain == nil && noHost.path == "/etc/passwd")
    }

    @Test(
        "anything that is not an absolute URL with an authority is left whole",
        arguments: [
            "", "/v1/compliance/activities", "api.anthropic.com/x", "mailto:a@b.c", "1http://x", "ht tp://x",
            "https://host:99999/", "https://host:port/", "https://[::1/", "https://bad host/", "https://2001:db8::1/",
        ]
    )
    func rejects(_ text: String) {
        #expect(URLParts(text) == nil)
    }
}
