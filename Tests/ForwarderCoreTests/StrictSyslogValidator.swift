/// A strict RFC 5424 §6 grammar check for tests (no framing prefix).
enum StrictSyslogValidator {
    struct Message: Equatable {
        var priority: Int
        var timestamp: String
        var hostname: String
        var appName: String
        var procID: String
        var messageID: String
        /// SD elements with unescaped parameter values.
        var structuredData: [(id: String, parameters: [(String, String)])]
        /// MSG bytes, if any (BOM included).
        var message: [UInt8]?

        static func == (lhs: Message, rhs: Message) -> Bool {
            lhs.priority == rhs.priority && lhs.timestamp == rhs.timestamp && lhs.hostname == rhs.hostname
                && lhs.appName == rhs.appName && lhs.procID == rhs.procID && lhs.messageID == rhs.messageID
                && lhs.message == rhs.message && lhs.structuredData.count == rhs.structuredData.count
        }
    }

    struct Invalid: Error, CustomStringConvertible {
        var reason: String
        var description: String { reason }
    }

    static func validate(_ bytes: [UInt8]) throws -> Message {
        var index = 0
        func fail(_ reason: String) -> Invalid { Invalid(reason: "\(reason) at byte \(index)") }
        func expect(_ byte: UInt8) throws {
            guard index < bytes.count, bytes[index] == byte else {
                throw fail("expected \(Character(Unicode.Scalar(byte)))")
            }
            index += 1
        }
        func digits(min: Int, max: Int) throws -> [UInt8] {
            let start = index
            while index < bytes.count, index - start < max, (48...57).contains(bytes[index]) { index += 1 }
            guard index - start >= min else { throw fail("expected \(min) digits") }
            return Array(bytes[start..<index])
        }
        func number(_ count: Int) throws -> Int {
            let d = try digits(min: count, max: count)
            return d.reduce(0) { $0 * 10 + Int($1 - 48) }
        }
        func field(max: Int, name: String) throws -> String {
            let start = index
            while index < bytes.count, bytes[index] != 32 {
                guard (33...126).contains(bytes[index]) else { throw fail("\(name) has a non-printable byte") }
                index += 1
            }
            guard index > start, index - start <= max else { throw fail("\(name) length \(index - start)") }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        // PRI
        try expect(UInt8(ascii: "<"))
        let pri = try digits(min: 1, max: 3)
        guard pri.count == 1 || pri[0] != 48 else { throw fail("PRI with a leading zero") }
        let priority = pri.reduce(0) { $0 * 10 + Int($1 - 48) }
        guard priority <= 191 else { throw fail("PRI \(priority) > 191") }
        try expect(UInt8(ascii: ">"))
        // VERSION
        guard index < bytes.count, (49...57).contains(bytes[index]) else { throw fail("VERSION") }
        _ = try digits(min: 1, max: 3)
        try expect(32)
        // TIMESTAMP
        let timestampStart = index
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") {
            index += 1
        } else {
            let year = try number(4)
            try expect(UInt8(ascii: "-"))
            let month = try number(2)
            try expect(UInt8(ascii: "-"))
            let day = try number(2)
            try expect(UInt8(ascii: "T"))
            let hour = try number(2)
            try expect(UInt8(ascii: ":"))
            let minute = try number(2)
            try expect(UInt8(ascii: ":"))
            let second = try number(2)
            let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
            let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
            guard (1...12).contains(month), day >= 1, day <= days[month - 1], hour <= 23, minute <= 59, second <= 59
            else {
                throw fail("date/time out of range")
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                _ = try digits(min: 1, max: 6)
                if index < bytes.count, (48...57).contains(bytes[index]) { throw fail("more than 6 fraction digits") }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "Z") {
                index += 1
            } else if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
                guard try number(2) <= 23 else { throw fail("offset hour") }
                try expect(UInt8(ascii: ":"))
                guard try number(2) <= 59 else { throw fail("offset minute") }
            } else {
                throw fail("TIME-OFFSET")
            }
        }
        let timestamp = String(decoding: bytes[timestampStart..<index], as: UTF8.self)
        try expect(32)
        let hostname = try field(max: 255, name: "HOSTNAME")
        try expect(32)
        let appName = try field(max: 48, name: "APP-NAME")
        try expect(32)
        let procID = try field(max: 128, name: "PROCID")
        try expect(32)
        let messageID = try field(max: 32, name: "MSGID")
        try expect(32)
        // STRUCTURED-DATA
        var elements: [(id: String, parameters: [(String, String)])] = []
        func sdName() throws -> String {
            let start = index
            while index < bytes.count, (33...126).contains(bytes[index]), ![61, 32, 93, 34].contains(bytes[index]) {
                index += 1
            }
            guard index > start, index - start <= 32 else { throw fail("SD-NAME length") }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") {
            index += 1
        } else {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "[") else { throw fail("STRUCTURED-DATA") }
            var ids: Set<String> = []
            while index < bytes.count, bytes[index] == UInt8(ascii: "[") {
                index += 1
                let id = try sdName()
                guard ids.insert(id).inserted else { throw fail("duplicate SD-ID \(id)") }
                var parameters: [(String, String)] = []
                while index < bytes.count, bytes[index] == 32 {
                    index += 1
                    let name = try sdName()
                    try expect(UInt8(ascii: "="))
                    try expect(UInt8(ascii: "\""))
                    var value: [UInt8] = []
                    while true {
                        guard index < bytes.count else { throw fail("unterminated PARAM-VALUE") }
                        let byte = bytes[index]
                        index += 1
                        if byte == UInt8(ascii: "\"") { break }
                        if byte == UInt8(ascii: "]") { throw fail("unescaped ] in PARAM-VALUE") }
                        if byte == UInt8(ascii: "\\") {
                            guard index < bytes.count, [34, 92, 93].contains(bytes[index]) else {
                                throw fail("stray backslash")
                            }
                            value.append(bytes[index])
                            index += 1
                        } else {
                            value.append(byte)
                        }
                    }
                    guard let text = String(validating: value, as: UTF8.self) else {
                        throw fail("PARAM-VALUE not UTF-8")
                    }
                    parameters.append((name, text))
                }
                try expect(UInt8(ascii: "]"))
                elements.append((id, parameters))
            }
        }
        var message: [UInt8]?
        if index < bytes.count {
            try expect(32)
            message = Array(bytes[index...])
            if message?.starts(with: [0xEF, 0xBB, 0xBF]) == true,
                String(validating: message ?? [], as: UTF8.self) == nil
            {
                throw fail("MSG-UTF8 is not UTF-8")
            }
        }
        return Message(
            priority: priority,
            timestamp: timestamp,
            hostname: hostname,
            appName: appName,
            procID: procID,
            messageID: messageID,
            structuredData: elements,
            message: message
        )
    }
}
