/// Removes what an upload made redundant in the spool directory.
///
/// The segment file goes at once. Its manifest stays while it is the newest one: the manifest
/// chain finds its head (what the next manifest links to) in the directory when the sink starts,
/// so the newest manifest must survive until a newer one exists.
enum S3SpoolFiles {
    static func remove(segment: String, directory: String) throws(FileError) {
        let path = directory + "/" + segment
        if PosixFile.status(path) != nil { try PosixFile.remove(path) }
        let suffix = SegmentManifest.fileSuffix
        let manifests = try PosixFile.list(directory).filter { $0.hasSuffix(suffix) }
        let newest = manifests.max { (ManifestChain.sequence($0) ?? -1, $0) < (ManifestChain.sequence($1) ?? -1, $1) }
        for manifest in manifests where manifest != newest {
            // Only manifests whose segment has been uploaded (and removed).
            let segmentName = String(manifest.dropLast(suffix.count))
            if PosixFile.status(directory + "/" + segmentName) == nil {
                try PosixFile.remove(directory + "/" + manifest)
            }
        }
        try PosixFile.syncDirectory(directory)
    }
}
