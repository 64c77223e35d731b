import ComplianceAPI
import ForwarderCore
import Foundation
import Synchronization
import Testing

@testable import Forwarder

@Suite struct GzipSegmentWriterTests {
    final class ManualTime: Sendable {
        let value = Mutex(RFC3339Timestamp(secondsSinceEpoch: 1_790_000_000))
        var now: RFC3339Timestamp { value.withLock { $0 } }
        func advance(_ duration: Duration) { value.withLock { $0 = $0.adding(duration) } }
    }

    func configuration(_ directory: String) -> ForwarderConfiguration.FileSink {
        .init(directory: directory, rotate: .init(maximumBytes: 1_000_000, maximumAge: .seconds(60)))
    }

    @Test func eachAppendIsOneMemberAndRotationRenamesAtomically() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let time = ManualTime()
        let writer = try GzipSegmentWriter(
            configuration: configuration(directory.path),
            fileExtension: "ndjson",
            now: { time.now }
        )
        try writer.append(Array("line1\n".utf8))
        try writer.append(Array("line2\n".utf8))
        let active = try directory.files()
        #expect(active == ["activities-20260921T141320Z-000001.ndjson.gz.tmp"])
        let bytes = try #require(FileManager.default.contents(atPath: directory.path + "/" + active[0]))
        #expect(Array(bytes.prefix(3)) == [0x1F, 0x8B, 0x08])
        #expect(String(decoding: GzipDecoder.decompress(Array(bytes)), as: UTF8.self) == "line1\nline2\n")
        time.advance(.seconds(61))
        try writer.rotateIfDue()
        #expect(try directory.files() == ["activities-20260921T141320Z-000001.ndjson.gz"])
        let mode =
            try FileManager.default.attributesOfItem(atPath: directory.path + "/" + (try directory.files())[0])[
                .posixPermissions
            ] as? Int
        #expect(mode == 0o640)
        try writer.append(Array("line3\n".utf8))
        try writer.close()
        #expect(
            try directory.files() == [
                "activities-20260921T141320Z-000001.ndjson.gz", "activities-20260921T141421Z-000002.ndjson.gz",
            ]
        )
        let gzipTest = Process()
        gzipTest.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        gzipTest.arguments = ["gzip", "-t"] + (try directory.files()).map { directory.path + "/" + $0 }
        try gzipTest.run()
        gzipTest.waitUntilExit()
        #expect(gzipTest.terminationStatus == 0)
    }

    @Test func repairCutsAPartialMemberAndFinalises() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let time = ManualTime()
        do {
            let writer = try GzipSegmentWriter(
                configuration: configuration(directory.path),
                fileExtension: "ndjson",
                now: { time.now }
            )
            try writer.append(Array("a\n".utf8))
            try writer.append(Array("b\n".utf8))
        }
        // Simulate a crash in the middle of writing a third member.
        let name = try #require(try directory.files().first)
        let path = directory.path + "/" + name
        var bytes = try #require(FileManager.default.contents(atPath: path))
        let intact = bytes.count
        var member: [UInt8] = []
        try GzipMemberEncoder(level: 6).compress(Array("c\n".utf8), into: &member)
        bytes.append(contentsOf: member.prefix(10))
        try bytes.write(to: URL(fileURLWithPath: path))

        _ = try GzipSegmentWriter(
            configuration: configuration(directory.path),
            fileExtension: "ndjson",
            now: { time.now }
        )
        let files = try directory.files()
        #expect(files == [String(name.dropLast(4))], "repaired and finalised, no .tmp left")
        let repaired = try #require(FileManager.default.contents(atPath: directory.path + "/" + files[0]))
        #expect(repaired.count == intact)
        #expect(String(decoding: GzipDecoder.decompress(Array(repaired)), as: UTF8.self) == "a\nb\n")
    }

    @Test func anEmptyOrGarbageSegmentIsRemovedAndSequencesContinue() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try Data([0x1F, 0x8B]).write(
            to: URL(fileURLWithPath: directory.path + "/activities-20260101T000000Z-000007.ndjson.gz.tmp")
        )
        let time = ManualTime()
        let writer = try GzipSegmentWriter(
            configuration: configuration(directory.path),
            fileExtension: "ndjson",
            now: { time.now }
        )
        #expect(try directory.files().isEmpty)
        try writer.append(Array("x\n".utf8))
        #expect(try directory.files() == ["activities-20260921T141320Z-000008.ndjson.gz.tmp"])
    }

    @Test func retentionKeepsTheNewestFiles() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let time = ManualTime()
        var configuration = configuration(directory.path)
        configuration.rotate.maximumBytes = 1
        configuration.retention.maximumFiles = 3
        let writer = try GzipSegmentWriter(configuration: configuration, fileExtension: "ndjson", now: { time.now })
        for index in 0..<6 {
            try writer.append(Array("event \(index)\n".utf8))
            time.advance(.seconds(1))
        }
        try writer.close()
        let files = try directory.files()
        #expect(files.count == 3)
        #expect(files.last?.contains("-000006.") == true)
    }
}
