import Testing

@testable import ForwarderCore

/// `sources:`: several named sources, each read like `source:`.
@Suite struct ConfigSourcesTests {
    static func yaml(_ sources: String) -> String {
        """
        \(sources)
        checkpoint: { path: state/checkpoint.json }
        sinks: [{ name: out, type: file, directory: out }]
        """
    }

    @Test func eachSourceIsReadWithItsName() throws {
        try withTemporaryDirectory { directory in
            let loaded = try load(
                Self.yaml(
                    """
                    sources:
                      - { name: org-eu, api_key: sk-ant-api01-eu, page_size: 500 }
                      - { name: org-us, api_key: "${US_KEY}", base_url: "https://api.example.com" }
                    """
                ),
                in: directory,
                environment: ["US_KEY": "sk-ant-api01-us-secret"]
            )
            let sources = loaded.configuration.sources
            #expect(sources.map(\.name) == ["org-eu", "org-us"])
            #expect(sources[0].pageSize == 500)
            #expect(sources[1].baseURL == "https://api.example.com")
            #expect(
                loaded.configuration.checkpoint.path(for: sources[1]) == directory + "/state/checkpoint.org-us.json"
            )
            let summary = loaded.configuration.summary
            #expect(summary.contains("source       org-us: https://api.example.com"))
            #expect(!summary.contains("us-secret"))
        }
    }

    @Test func theSingleSourceHasNoName() throws {
        try withTemporaryDirectory { directory in
            let loaded = try load(Self.yaml("source: { api_key: sk-ant-api01-x }"), in: directory)
            #expect(loaded.configuration.sources.count == 1)
            #expect(loaded.configuration.source.name == nil)
        }
    }

    @Test(arguments: [
        (
            "source: { api_key: sk-ant-api01-x }\nsources: [{ name: a, api_key: sk-ant-api01-y }]",
            "sources: source and sources are mutually exclusive"
        ),
        ("sources: []", "sources: must list at least one source"),
        ("sources: [{ api_key: sk-ant-api01-y }]", "sources[0].name: required"),
        ("sources: [{ name: Org EU, api_key: sk-ant-api01-y }]", "sources[0].name: must be 1-64 lower-case"),
        (
            "sources: [{ name: a, api_key: sk-ant-api01-x }, { name: a, api_key: sk-ant-api01-y }]",
            "sources[1].name: duplicate source name 'a'"
        ),
        ("sources: [{ name: a, api_key: sk-ant-api01-x, colour: blue }]", "sources[0].colour"),
        ("sources: [{ name: a }]", "sources[0].api_key: required"),
    ])
    func mistakesAreNamed(sources: String, expected: String) throws {
        try withTemporaryDirectory { directory in
            let found = problems(Self.yaml(sources), in: directory)
            #expect(
                found.contains { "\($0)".contains(expected) },
                "\(found.map { "\($0)" }) should contain \(expected)"
            )
        }
    }
}
