import ComplianceAPI

/// `archive verify`: checks an archive directory against its manifests, their chain and their
/// signatures, and names every problem with its file and check (docs/archive.md lists the checks).
///
/// A directory can hold several sinks' archives (different prefixes or formats): each is its own
/// chain.
public struct ArchiveVerifier: Sendable {
    public struct Options: Sendable {
        /// The trusted signers (base64 Ed25519 public keys), old and new after a key rotation;
        /// empty trusts the keys in the manifests (checked for consistency, and a warning says
        /// authenticity is not established).
        public var publicKeys: [String]
        /// Only segments with records at or after this time have their content checked.
        public var since: RFC3339Timestamp?
        /// Only segments with records before this time have their content checked.
        public var until: RFC3339Timestamp?

        /// - Parameters:
        ///   - publicKey: one trusted signer, added to `publicKeys`.
        public init(
            publicKey: String? = nil,
            publicKeys: [String] = [],
            since: RFC3339Timestamp? = nil,
            until: RFC3339Timestamp? = nil
        ) {
            self.publicKeys = publicKeys + (publicKey.map { [$0] } ?? [])
            self.since = since
            self.until = until
        }
    }

    public var directory: String
    public var options: Options

    public init(directory: String, options: Options = Options()) {
        self.directory = directory
        self.options = options
    }

    /// A manifest file as read.
    struct ReadManifest {
        var fileName: String
        var segmentName: String
        var bytes: [UInt8]
        var manifest: SegmentManifest?
        var sha256: String { ArchiveDigest.hex(bytes) }
    }

    /// Verifies the directory; throws only when it cannot be read at all.
    public func verify() throws(ArchiveReadError) -> ArchiveVerificationReport {
        var report = ArchiveVerificationReport(directory: directory)
        let names: [String]
        do {
            names = try PosixFile.list(directory)
        } catch {
            throw ArchiveReadError(path: directory, reason: error.message)
        }
        let manifestNames = Set(names.filter { $0.hasSuffix(SegmentManifest.fileSuffix) })
        let segmentNames = names.filter { $0.hasSuffix(".gz") && ManifestChain.sequence($0) != nil }
        for name in names where name.hasSuffix(".gz.tmp") {
            report.add(
                .note,
                name,
                "active-segment",
                "not sealed yet (the sink is writing it, or it is repaired on start)"
            )
        }
        for segment in segmentNames where !manifestNames.contains(segment + SegmentManifest.fileSuffix) {
            report.add(
                .error,
                segment,
                "manifest-missing",
                "segment has no manifest (\(segment)\(SegmentManifest.fileSuffix))"
            )
        }

        var manifests: [ReadManifest] = []
        for name in manifestNames.sorted() {
            let segmentName = String(name.dropLast(SegmentManifest.fileSuffix.count))
            guard let read = readManifest(name, segmentName: segmentName, into: &report) else { continue }
            manifests.append(read)
        }
        report.manifestsChecked = manifests.count
        let grouped = Dictionary(grouping: manifests) { Self.chainKey($0.segmentName) }
        let chains = grouped.keys.sorted().map { key in
            (grouped[key] ?? []).sorted {
                (ManifestChain.sequence($0.segmentName) ?? 0, $0.segmentName)
                    < (ManifestChain.sequence($1.segmentName) ?? 0, $1.segmentName)
            }
        }
        checkSigners(chains, into: &report)
        for chain in chains { checkLinks(chain, into: &report) }
        let chainKeys = Set(manifests.compactMap { $0.manifest?.signature?.publicKey })
        let present = Set(segmentNames)
        for read in manifests {
            guard let manifest = read.manifest else { continue }
            guard present.contains(read.segmentName) else {
                if let removal = retentionRecord(for: read, chainKeys: chainKeys, into: &report) {
                    report.add(
                        .note,
                        read.segmentName,
                        "retention",
                        "removed by retention policy (\(removal.reason)) at \(removal.removedAt)"
                    )
                    continue
                }
                report.add(
                    .error,
                    read.segmentName,
                    "segment-missing",
                    "the manifest \(read.fileName) describes it but the file is missing"
                )
                continue
            }
            if isSelected(manifest) { checkSegment(read.segmentName, against: manifest, into: &report) }
        }
        return report
    }

    private func readManifest(
        _ name: String,
        segmentName: String,
        into report: inout ArchiveVerificationReport
    ) -> ReadManifest? {
        let bytes: [UInt8]
        do {
            guard let read = try PosixFile.read(directory + "/" + name) else { return nil }
            bytes = read
        } catch {
            report.add(.error, name, "manifest-read", error.message)
            return nil
        }
        var result = ReadManifest(fileName: name, segmentName: segmentName, bytes: bytes, manifest: nil)
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            report.add(.error, name, "manifest-json", "not JSON: \(error)")
            return result
        }
        if CanonicalJSON.hasDuplicateKeys(value) || CanonicalJSON.serialize(value) + [0x0A] != bytes {
            report.add(.error, name, "manifest-canonical", "not in canonical form (edited by hand or by another tool)")
        }
        do {
            let manifest = try SegmentManifest(json: value)
            if manifest.segment != segmentName {
                report.add(
                    .error,
                    name,
                    "manifest-name",
                    "describes segment \(manifest.segment), but is named for \(segmentName) (renamed?)"
                )
            }
            result.manifest = manifest
        } catch {
            report.add(.error, name, "manifest-format", error.description)
        }
        return result
    }

    /// Each manifest must name the one before it (by segment and manifest hash); the first may
    /// start the chain.
    private func checkLinks(_ chain: [ReadManifest], into report: inout ArchiveVerificationReport) {
        var previous: ReadManifest?
        for read in chain {
            let link = read.manifest?.previous
            defer { previous = read }
            guard let before = previous else {
                if let link {
                    report.add(
                        .error,
                        read.fileName,
                        "chain-start",
                        "links to \(link.segment), which is not in the archive (segments removed from the start?)"
                    )
                }
                continue
            }
            guard let link else {
                report.add(.error, read.fileName, "chain-link", "starts a new chain after \(before.segmentName)")
                continue
            }
            if link.segment != before.segmentName {
                report.add(
                    .error,
                    read.fileName,
                    "chain-link",
                    "the previous segment is \(link.segment), but the archive's is \(before.segmentName) "
                        + "(segment missing, renamed or reordered)"
                )
            } else if link.manifestSHA256 != before.sha256 {
                report.add(
                    .error,
                    read.fileName,
                    "chain-link",
                    "the previous manifest's SHA-256 is \(link.manifestSHA256), but \(before.fileName) hashes to \(before.sha256)"
                )
            }
        }
    }

    /// The signed retention record that explains a missing segment; `nil` when there is none or
    /// it does not hold (reported).
    /// A retention record may be signed by any key of the chain (retention runs under the key
    /// in force when it removes, which may be newer than the segment's) or a trusted one.
    private func retentionRecord(
        for read: ReadManifest,
        chainKeys: Set<String>,
        into report: inout ArchiveVerificationReport
    ) -> RetentionRecord? {
        let name = read.segmentName + RetentionRecord.fileSuffix
        guard let bytes = try? PosixFile.read(directory + "/" + name), let value = try? JSONParser.parse(bytes),
            let record = try? RetentionRecord(json: value)
        else { return nil }
        guard record.segment == read.segmentName, record.manifestSHA256 == read.sha256 else {
            report.add(.error, name, "retention", "does not match the manifest of \(read.segmentName)")
            return nil
        }
        let manifestKey = read.manifest?.signature?.publicKey
        let acceptable = chainKeys.union(options.publicKeys)
        if let signature = record.signature {
            guard acceptable.isEmpty || acceptable.contains(signature.publicKey),
                ArchiveSigningKey.isValid(
                    signature: signature.value,
                    publicKey: signature.publicKey,
                    bytes: record.signedBytes
                )
            else {
                report.add(.error, name, "retention", "the signature does not verify with the archive's key")
                return nil
            }
        } else if manifestKey != nil || !options.publicKeys.isEmpty {
            report.add(.error, name, "retention", "unsigned, but the chain is signed")
            return nil
        }
        return record
    }

    private func isSelected(_ manifest: SegmentManifest) -> Bool {
        if let since = options.since, let last = manifest.last.flatMap({ RFC3339Timestamp($0.createdAt) }), last < since
        {
            return false
        }
        if let until = options.until, let first = manifest.first.flatMap({ RFC3339Timestamp($0.createdAt) }),
            first >= until
        {
            return false
        }
        return true
    }

    /// The name without its sequence and time: what identifies one sink's chain.
    static func chainKey(_ segment: String) -> String {
        let dot = segment.firstIndex(of: ".") ?? segment.endIndex
        let stem = segment[..<dot].split(separator: "-", omittingEmptySubsequences: false)
        return stem.dropLast(2).joined(separator: "-") + segment[dot...]
    }
}
