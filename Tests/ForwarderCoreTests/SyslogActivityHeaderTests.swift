import ComplianceAPI
import Testing

@testable import ForwarderCore

/// `SyslogHeaderEncoder.append(_:mapping:context:into:message:)` writes the activity header directly;
/// it must give exactly the bytes of the general `append(severity:…)` with the documented element.
@Suite struct SyslogActivityHeaderTests {
    static let configurations: [SyslogHeaderEncoder.Configuration] = [
        .init(),
        .init(facility: 16, hostname: "fwd.example.com", appName: "cf", procID: "42"),
        .init(hostname: "höst name", appName: nil, includesStructuredData: false),
        .init(structuredDataID: "bad id=]\"x@1", includesByteOrderMark: true),
        .init(structuredDataID: ""),
        .init(hostname: "fwd.example.com", procID: "7", headerStyle: .rfc3164),
    ]

    static let records = [
        #"{"id":"act_1","created_at":"2024-05-01T12:34:56.789123456Z","type":"sso_login_succeeded","organization_id":"org_1","actor":{}}"#,
        #"{"id":"act\"]\\2","created_at":"2024-05-01T12:34:56Z","type":"a_type_name_that_is_longer_than_32_chars","actor":{}}"#,
        #"{"id":"act_3","created_at":"2024-05-01T12:34:56.5+02:00","type":"tÿpe","organization_id":"","actor":{}}"#,
        #"{"id":"act_4","created_at":"2024-05-01T12:34:56Z","type":"brand_new_type","organization_id":"o]\"\\","actor":{}}"#,
    ]

    @Test(arguments: 0..<configurations.count)
    func matchesTheGeneralHeader(_ index: Int) throws {
        let configuration = Self.configurations[index]
        let formatter = SyslogHeaderEncoder(configuration: configuration)
        for record in Self.records {
            let activity = try Activity(json: record)
            let mapping = ActivityMappingTable.mapping(for: activity.type)
            for selfGenerated in [false, true] {
                for payload in ["", "CEF:0|x"] {
                    var direct: [UInt8] = []
                    formatter.append(
                        activity,
                        mapping: mapping,
                        context: .init(readTime: .now, selfGenerated: selfGenerated),
                        into: &direct
                    ) { $0.append(contentsOf: payload.utf8) }

                    var parameters = [
                        SyslogHeaderEncoder.StructuredDataElement.Parameter(name: "id", value: activity.id)
                    ]
                    if let organization = activity.organizationID, !organization.isEmpty {
                        parameters.append(.init(name: "org", value: organization))
                    }
                    if selfGenerated { parameters.append(.init(name: "selfGenerated", value: "true")) }
                    let elements =
                        configuration.includesStructuredData
                        ? [
                            SyslogHeaderEncoder.StructuredDataElement(
                                id: configuration.structuredDataID,
                                parameters: parameters
                            )
                        ] : []
                    var general: [UInt8] = []
                    formatter.append(
                        severity: SyslogHeaderEncoder.severity(forCEFSeverity: mapping.severity),
                        timestamp: activity.createdAt,
                        messageID: SyslogHeaderEncoder.messageID(for: activity.type),
                        structuredData: elements,
                        into: &general
                    ) { $0.append(contentsOf: payload.utf8) }
                    #expect(
                        String(decoding: direct, as: UTF8.self) == String(decoding: general, as: UTF8.self),
                        "configuration \(index), \(record), selfGenerated \(selfGenerated), payload \(payload)"
                    )
                }
            }
        }
    }
}
