import ComplianceAPI
import ForwarderCore

extension ArchiveVerifier {
    /// Checks a segment file against its manifest: length, SHA-256, every gzip member, each
    /// member's header record, record counts, first/last ids and the record hashes.
    func checkSegment(_ name: String, against manifest: SegmentManifest, into report: inout ArchiveVerificationReport) {
        let data: [UInt8]
        do {
            guard let read = try PosixFile.read(directory + "/" + name) else { return }
            data = read
        } catch {
            report.add(.error, name, "segment-read", error.message)
            return
        }
        report.segmentsChecked += 1
        if data.count != manifest.segmentBytes {
            report.add(
                .error,
                name,
                "segment-length",
                "\(data.count) bytes, the manifest says \(manifest.segmentBytes)"
            )
        }
        let sha256 = ArchiveDigest.hex(data)
        if sha256 != manifest.segmentSHA256 {
            report.add(
                .error,
                name,
                "segment-sha256",
                "SHA-256 is \(sha256), the manifest says \(manifest.segmentSHA256)"
            )
        }
        let scan = GzipMemberScanner.memberComments(data, keepOutput: true)
        if scan.end != data.count {
            report.add(
                .error,
                name,
                "gzip",
                "member \(scan.members.count + 1) (at byte \(scan.end)) is truncated or fails its CRC-32/length check"
            )
        }
        if scan.members.count != manifest.members.count {
            report.add(
                .error,
                name,
                "member-count",
                "\(scan.members.count) complete gzip member(s), the manifest lists \(manifest.members.count)"
            )
        }
        var memberDigests: [String] = []
        for (index, member) in scan.members.enumerated() {
            let expected = index < manifest.members.count ? manifest.members[index] : nil
            let digest = checkMember(member, number: index + 1, expected: expected, segment: name, into: &report)
            memberDigests.append(digest ?? expected?.recordsSHA256 ?? "")
        }
        if manifest.records != manifest.members.reduce(0, { $0 + $1.records })
            || manifest.recordsSHA256 != ArchiveDigest.combine(manifest.members.map(\.recordsSHA256))
        {
            report.add(.error, name, "manifest-records", "the manifest's totals do not match its own member list")
        }
        if scan.members.count == manifest.members.count,
            ArchiveDigest.combine(memberDigests) != manifest.recordsSHA256
        {
            report.add(.error, name, "records-sha256", "the records' hashes do not match the manifest's records_sha256")
        }
    }

    /// Checks one member; returns the records digest recomputed from its lines (`nil` when some
    /// line carries no hash).
    private func checkMember(
        _ member: GzipDecoder.Member,
        number: Int,
        expected: ArchiveMemberRecord?,
        segment name: String,
        into report: inout ArchiveVerificationReport
    ) -> String? {
        let header = ArchiveMemberRecord(headerComment: member.comment)
        guard let expected else { return nil }
        if header.canonicalBytes != expected.canonicalBytes {
            report.add(
                .error,
                name,
                "member-record",
                "member \(number)'s header record differs from the manifest's (re-compressed or replaced?)"
            )
        }
        var lines = member.output.split(separator: 0x0A, omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true {
            lines.removeLast()
        } else {
            report.add(.error, name, "record-count", "member \(number) does not end with a complete line")
        }
        report.recordsChecked += lines.count
        if lines.count != expected.records {
            report.add(
                .error,
                name,
                "record-count",
                "member \(number) holds \(lines.count) record(s), the manifest says \(expected.records)"
            )
        }
        var hasher = ArchiveDigest.RecordsHasher()
        var missingHashes = 0
        for (index, line) in lines.enumerated() {
            let facts = ArchiveLineReader.read(line, format: expected.lineFormat)
            if let hash = facts.hash { hasher.add(hash) } else { missingHashes += 1 }
            if index == 0, facts.id != expected.first?.id {
                report.add(
                    .error,
                    name,
                    "first-last-id",
                    "member \(number) starts with \(facts.id ?? "?"), the manifest says \(expected.first?.id ?? "-")"
                )
            }
            if index == lines.count - 1, facts.id != expected.last?.id {
                report.add(
                    .error,
                    name,
                    "first-last-id",
                    "member \(number) ends with \(facts.id ?? "?"), the manifest says \(expected.last?.id ?? "-")"
                )
            }
        }
        if missingHashes > 0 {
            report.add(.warning, name, "record-hash", "member \(number): \(missingHashes) line(s) carry no record hash")
            return nil
        }
        let digest = hasher.finalize()
        if digest != expected.recordsSHA256 {
            report.add(.error, name, "record-hash", "member \(number)'s record hashes do not match its records_sha256")
        }
        return digest
    }
}
