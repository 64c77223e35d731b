/// One page of results, as the API returns it.
public struct CursorPage<Element: Sendable>: Sendable {
    /// The records, in the order of the request.
    public var data: [Element]
    /// The id of the first element, `nil` on an empty page. Pass it as `beforeID` to page backwards.
    public var firstID: String?
    /// The id of the last element, `nil` on an empty page. Pass it as `afterID` for the next page.
    public var lastID: String?
    /// Whether more records lie beyond this page in the request's direction.
    public var hasMore: Bool
    /// Records on the page that could not be decoded, with the reason (never dropped silently).
    public var invalidRecords: [InvalidRecord]
    /// The `request-id` response header, for support cases and provenance logs.
    public var requestID: String?
    /// The rate-limit headers of the response, when present.
    public var rateLimit: RateLimitSnapshot?

    public init(
        data: [Element],
        firstID: String?,
        lastID: String?,
        hasMore: Bool,
        invalidRecords: [InvalidRecord] = [],
        requestID: String? = nil,
        rateLimit: RateLimitSnapshot? = nil
    ) {
        self.data = data
        self.firstID = firstID
        self.lastID = lastID
        self.hasMore = hasMore
        self.invalidRecords = invalidRecords
        self.requestID = requestID
        self.rateLimit = rateLimit
    }
}

extension CursorPage where Element == Activity {
    /// Decodes a response body: `{"data":[…],"has_more":…,"first_id":…,"last_id":…}`.
    ///
    /// Each record keeps its exact original text. Records that are not valid activities are
    /// returned in ``invalidRecords``; a body that is not a valid envelope throws.
    public static func decode(_ body: [UInt8]) throws(ComplianceAPIError) -> CursorPage<Activity> {
        let shared = ResponseBody(body)
        do {
            return try shared.bytes.withUnsafeBufferPointer { buffer in
                Result { () throws(JSONParser.SyntaxError) in try decodeEnvelope(buffer, body: shared) }
            }.get()
        } catch {
            throw ComplianceAPIError(
                code: .malformedResponse,
                message: "the response body is not a valid page: \(error)"
            )
        }
    }

    /// Records keep their text as slices of `body`, whose storage `buffer` is.
    private static func decodeEnvelope(
        _ buffer: UnsafeBufferPointer<UInt8>,
        body: ResponseBody
    ) throws(JSONParser.SyntaxError) -> Self {
        var parser = JSONParser(buffer)
        var page = CursorPage(data: [], firstID: nil, lastID: nil, hasMore: false)
        var sawData = false
        var sawHasMore = false
        try parser.expect(UInt8(ascii: "{"))
        if !parser.consume(UInt8(ascii: "}")) {
            repeat {
                _ = parser.peek()
                let key = try parser.parseString()
                try parser.expect(UInt8(ascii: ":"))
                switch key {
                case "data":
                    sawData = true
                    try parser.expect(UInt8(ascii: "["))
                    if !parser.consume(UInt8(ascii: "]")) {
                        repeat {
                            _ = parser.peek()
                            let start = parser.position
                            let value = try parser.parseValue()
                            let range = start..<parser.position
                            guard let object = value.objectValue else {
                                page.invalidRecords.append(
                                    InvalidRecord(rawJSON: parser.text(range), reason: "record is not a JSON object")
                                )
                                continue
                            }
                            let raw = RawJSON(body: body, range: range)
                            do {
                                page.data.append(try Activity(object: object, raw: raw))
                            } catch {
                                page.invalidRecords.append(error)
                            }
                        } while parser.consume(UInt8(ascii: ","))
                        try parser.expect(UInt8(ascii: "]"))
                    }
                case "has_more":
                    let value = try parser.parseValue()
                    guard let flag = value.boolValue else {
                        throw JSONParser.SyntaxError(offset: parser.position, reason: "has_more is not a boolean")
                    }
                    sawHasMore = true
                    page.hasMore = flag
                case "first_id":
                    page.firstID = try parser.parseValue().stringValue
                case "last_id":
                    page.lastID = try parser.parseValue().stringValue
                default:
                    _ = try parser.parseValue()
                }
            } while parser.consume(UInt8(ascii: ","))
            try parser.expect(UInt8(ascii: "}"))
        }
        try parser.expectEnd()
        guard sawData, sawHasMore else {
            throw JSONParser.SyntaxError(offset: 0, reason: "the envelope lacks \"data\" or \"has_more\"")
        }
        return page
    }
}
