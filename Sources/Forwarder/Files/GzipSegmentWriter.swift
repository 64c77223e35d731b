import ComplianceAPI
import Crypto
import ForwarderCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A rotating set of gzip files, written crash-safely.
///
/// The active segment is `<prefix>-<yyyyMMdd'T'HHmmss'Z'>-<seq>.<ext>.gz.tmp`. Each ``append(_:)``
/// adds one complete gzip member and `fsync`s: that is the acknowledgement point. Rotation (by
/// size, by age, and on close) `fsync`s, renames to the final name without ever replacing an
/// existing file, and `fsync`s the directory; then retention removes the oldest final files. On
/// start, a segment left by a crash is cut back to its last verified member and finalised.
///
/// Not thread-safe: one task owns a writer.
final class GzipSegmentWriter {
    /// The `type: file` settings (directory, prefix, rotation, retention, mode, level).
    let configuration: ForwarderConfiguration.FileSink
    /// `ndjson` or `cef`: the line format's name in every file name.
    let fileExtension: String
    private let now: @Sendable () -> RFC3339Timestamp
    private let encoder: GzipMemberEncoder
    private var active: (fd: Int32, path: String, openedAt: RFC3339Timestamp, bytes: Int)?
    private var nextSequence: Int
    private var compressed: [UInt8] = []
    /// Segments finalised so far by this writer (for tests and metrics).
    private(set) var finalizedCount = 0
    /// Seals segments with signed, chained manifests; `nil` writes none.
    let chain: ManifestChain?
    /// The active segment's member records and running SHA-256 (for its manifest).
    private var activeMembers: [ArchiveMemberRecord] = []
    private var activeHasher = Crypto.SHA256()

    /// Opens the directory, repairing and finalising any segment a crash left behind.
    /// - Parameters:
    ///   - archive: the sink name and signing key when segments get manifests.
    ///   - previousSigningKey: co-signs the key hand-over after a key change.
    ///   - onSeal: told of each manifest written, including those of segments repaired here.
    init(
        configuration: ForwarderConfiguration.FileSink,
        fileExtension: String,
        now: @escaping @Sendable () -> RFC3339Timestamp,
        archive: (sinkName: String, signingKey: ArchiveSigningKey?)? = nil,
        previousSigningKey: ArchiveSigningKey? = nil,
        onSeal: @escaping (ArchiveAnchor) -> Void = { _ in }
    ) throws(FileError) {
        self.configuration = configuration
        self.fileExtension = fileExtension
        self.now = now
        self.encoder = try GzipMemberEncoder(level: Int32(configuration.compressionLevel))
        try PosixFile.makeDirectories(configuration.directory)
        let prefix = configuration.prefix
        let isOurs = { GzipSegmentWriter.isSegmentName($0, prefix: prefix, fileExtension: fileExtension) }
        chain = try archive.map { (archive) throws(FileError) in
            try ManifestChain(
                directory: configuration.directory,
                sinkName: archive.sinkName,
                signingKey: archive.signingKey,
                previousSigningKey: previousSigningKey,
                fileMode: mode_t(configuration.fileMode),
                isSegment: { isOurs($0) && !$0.hasSuffix(".tmp") }
            )
        }
        chain?.onSeal = onSeal
        let entries = try PosixFile.list(configuration.directory)
        let names = entries.filter { isOurs($0) }
        // Manifests count too: the S3 sink's spool keeps the newest manifest after its segment
        // is uploaded and removed, and a sequence must never be reused within a chain.
        let manifested = entries.filter { $0.hasSuffix(SegmentManifest.fileSuffix) }
            .map { String($0.dropLast(SegmentManifest.fileSuffix.count)) }.filter { isOurs($0) }
        nextSequence = ((names + manifested).compactMap { Self.sequence(of: $0) }.max() ?? 0) + 1
        for name in names.sorted() where name.hasSuffix(".tmp") {
            try repair(path: configuration.directory + "/" + name)
        }
    }

    deinit {
        if let active { PosixFile.close(active.fd) }
    }

    /// Appends `payload` (whole lines) as one gzip member and makes it durable; `member` (its
    /// completeness record) goes into the member's header and the segment's manifest.
    func append(_ payload: [UInt8], member: ArchiveMemberRecord? = nil) throws(FileError) {
        guard !payload.isEmpty else { return }
        try rotateIfDue()
        let segment = try activeSegment()
        let committedBytes = active?.bytes ?? 0
        compressed.removeAll(keepingCapacity: true)
        try encoder.compress(payload, comment: chain == nil ? nil : member?.canonicalBytes, into: &compressed)
        do {
            try PosixFile.writeAll(segment.fd, compressed, path: segment.path)
            try PosixFile.sync(segment.fd, path: segment.path)
        } catch {
            // The tail may hold part of a member: cut it so the segment stays a valid prefix.
            try? PosixFile.truncate(segment.fd, to: committedBytes, path: segment.path)
            throw error
        }
        active?.bytes += compressed.count
        if chain != nil {
            activeHasher.update(data: compressed)
            activeMembers.append(member ?? .unrecorded)
        }
    }

    /// Closes the active segment when it is too big or too old.
    func rotateIfDue() throws(FileError) {
        guard let active else { return }
        if active.bytes >= configuration.rotate.maximumBytes
            || now().duration(since: active.openedAt) >= configuration.rotate.maximumAge
        {
            try finalizeActive(reason: .rotation)
        }
    }

    /// Finalises the active segment (on shutdown, or `.rotation` when asked to rotate).
    func close(reason: SegmentManifest.SealReason = .shutdown) throws(FileError) {
        try finalizeActive(reason: reason)
    }

    /// The final files, oldest first.
    func finalFiles() throws(FileError) -> [String] {
        try PosixFile.list(configuration.directory)
            .filter { isOurs($0) && !$0.hasSuffix(".tmp") }
            .sorted()
            .map { configuration.directory + "/" + $0 }
    }

    private func activeSegment() throws(FileError) -> (fd: Int32, path: String) {
        if let active { return (active.fd, active.path) }
        let opened = now()
        let path = configuration.directory + "/" + finalName(opened, nextSequence) + ".tmp"
        nextSequence += 1
        let fd = try PosixFile.open(
            path,
            flags: O_WRONLY | O_CREAT | O_EXCL | O_APPEND,
            mode: mode_t(configuration.fileMode)
        )
        try PosixFile.setMode(fd, mode_t(configuration.fileMode), path: path)
        try PosixFile.syncDirectory(configuration.directory)
        active = (fd, path, opened, 0)
        return (fd, path)
    }

    private func finalizeActive(reason: SegmentManifest.SealReason) throws(FileError) {
        guard let segment = active else { return }
        if segment.bytes == 0 {
            active = nil
            PosixFile.close(segment.fd)
            try PosixFile.remove(segment.path)
            try PosixFile.syncDirectory(configuration.directory)
            return
        }
        try PosixFile.sync(segment.fd, path: segment.path)
        // The manifest is durable before the segment takes its final name; a failure here leaves
        // the segment active so the seal is retried.
        let finalPath = String(segment.path.dropLast(4))
        if let chain {
            try chain.seal(
                segment: Self.fileName(finalPath),
                bytes: segment.bytes,
                sha256: RecordHash(activeHasher.finalize()).hex,
                members: activeMembers,
                reason: reason,
                sealedAt: now()
            )
        }
        active = nil
        activeMembers.removeAll()
        activeHasher = Crypto.SHA256()
        defer { PosixFile.close(segment.fd) }
        try PosixFile.renameNoReplace(segment.path, String(segment.path.dropLast(4)))
        try PosixFile.syncDirectory(configuration.directory)
        finalizedCount += 1
        try applyRetention()
    }

    private func repair(path: String) throws(FileError) {
        let data = try PosixFile.read(path) ?? []
        let scan = GzipMemberScanner.memberComments(data)
        let valid = scan.end
        if valid == 0 {
            try PosixFile.remove(path)
            try PosixFile.syncDirectory(configuration.directory)
            return
        }
        if valid < data.count {
            let fd = try PosixFile.open(path, flags: O_WRONLY)
            defer { PosixFile.close(fd) }
            try PosixFile.truncate(fd, to: valid, path: path)
            try PosixFile.sync(fd, path: path)
        }
        let finalName = Self.fileName(String(path.dropLast(4)))
        // A manifest already there means the crash came between sealing and renaming.
        if let chain, !chain.hasManifest(for: finalName) {
            try chain.seal(
                segment: finalName,
                bytes: valid,
                sha256: ArchiveDigest.hex(Array(data.prefix(valid))),
                members: scan.members.map { ArchiveMemberRecord(headerComment: $0.comment) },
                reason: .repair,
                sealedAt: now()
            )
        }
        try PosixFile.renameNoReplace(path, String(path.dropLast(4)))
        try PosixFile.syncDirectory(configuration.directory)
    }

    private func applyRetention() throws(FileError) {
        var files = try finalFiles()
        if let keep = configuration.retention.maximumFiles, files.count > keep {
            for path in files.prefix(files.count - keep) { try removeForRetention(path, reason: "max_files \(keep)") }
            files.removeFirst(files.count - keep)
        }
        if let age = configuration.retention.maximumAge {
            let cutoff = now().adding(.zero - age).secondsSinceEpoch
            for path in files {
                if let status = PosixFile.status(path), status.modified < cutoff {
                    try removeForRetention(path, reason: "max_age \(ConfigurationSyntax.format(age))")
                }
            }
        }
    }

    /// The signed retention record goes first, so a removal never looks like tampering.
    private func removeForRetention(_ path: String, reason: String) throws(FileError) {
        try chain?.recordRemoval(of: Self.fileName(path), reason: reason, at: now())
        try PosixFile.remove(path)
    }

    func finalName(_ time: RFC3339Timestamp, _ sequence: Int) -> String {
        let c = time.utcComponents
        func pad(_ value: Int64, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        let stamp =
            pad(c.year, 4) + pad(c.month, 2) + pad(c.day, 2) + "T" + pad(c.hour, 2) + pad(c.minute, 2)
            + pad(c.second, 2) + "Z"
        return "\(configuration.prefix)-\(stamp)-\(pad(Int64(sequence), 6)).\(fileExtension).gz"
    }

    static func fileName(_ path: String) -> String {
        String(path.split(separator: "/").last ?? Substring(path))
    }

    func isOurs(_ name: String) -> Bool {
        Self.isSegmentName(name, prefix: configuration.prefix, fileExtension: fileExtension)
    }

    static func isSegmentName(_ name: String, prefix: String, fileExtension: String) -> Bool {
        name.hasPrefix(prefix + "-")
            && (name.hasSuffix(".\(fileExtension).gz")
                || name.hasSuffix(".\(fileExtension).gz.tmp"))
            && Self.sequence(of: name) != nil
    }

    /// The `<seq>` part of a segment name.
    static func sequence(of name: String) -> Int? {
        let parts = name.split(separator: ".")[0].split(separator: "-")
        guard parts.count >= 3, let last = parts.last, last.count == 6 else { return nil }
        return Int(last)
    }
}
