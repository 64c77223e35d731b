import ComplianceAPI

/// Who signed each manifest: every signature verifies with the key it carries, a chain changes
/// keys only at a `key_handover`, and with `--public-key` every signer is trusted, or at least
/// vouched for by a trusted one through a hand-over.
///
/// Trust follows hand-overs both ways. Forward: a hand-over co-signed by a trusted old key makes
/// the new key trusted. Backward: a hand-over manifest signed by a trusted new key links (by hash)
/// to everything before it, so the old key's manifests are vouched for; `verify` says it could
/// not check who signed them (a warning), rather than calling them forged.
extension ArchiveVerifier {
    /// One key change found in a chain.
    private struct Change {
        var file: String
        var from: String
        var to: String
        var cosigned: Bool
    }

    func checkSigners(_ chains: [[ReadManifest]], into report: inout ArchiveVerificationReport) {
        var keys: [String] = []
        var signers: [(file: String, key: String)] = []
        var changes: [Change] = []
        var unsigned = 0
        for chain in chains {
            var keyInForce: String?
            var previous: ReadManifest?
            for read in chain {
                defer { previous = read }
                guard let manifest = read.manifest else { continue }
                guard let signature = manifest.signature else {
                    unsigned += 1
                    continue
                }
                let key = signature.publicKey
                if !keys.contains(key) { keys.append(key) }
                signers.append((read.fileName, key))
                if !ArchiveSigningKey.isValid(signature: signature.value, publicKey: key, bytes: manifest.signedBytes) {
                    report.add(
                        .error,
                        read.fileName,
                        "signature",
                        "the Ed25519 signature does not verify: the manifest was changed after signing"
                    )
                }
                if let handover = manifest.keyHandover {
                    if let change = checkHandover(handover, of: read, signer: key, keyInForce, previous, &report) {
                        changes.append(change)
                    }
                } else if let inForce = keyInForce, inForce != key {
                    report.add(
                        .error,
                        read.fileName,
                        "key-handover",
                        "signed by \(Self.fingerprint(key)), but the chain's key is \(Self.fingerprint(inForce)) "
                            + "and the manifest has no key_handover: the signing key changed without a hand-over"
                    )
                }
                keyInForce = key
            }
        }
        report.signingKeys = keys.map(Self.fingerprint)
        if unsigned > 0 {
            report.add(
                options.publicKeys.isEmpty ? .warning : .error,
                directory,
                "unsigned",
                "\(unsigned) manifest(s) carry no signature: anyone who can write the directory could have rewritten them"
            )
        }
        guard !options.publicKeys.isEmpty else {
            if !keys.isEmpty {
                report.add(
                    .warning,
                    directory,
                    "signing-key",
                    "signatures checked against the key the manifests carry; pass --public-key to prove who signed"
                )
            }
            return
        }
        checkTrust(signers, changes, into: &report)
    }

    /// Checks a `key_handover` against the chain; returns the change it records when it holds.
    private func checkHandover(
        _ handover: KeyHandover,
        of read: ReadManifest,
        signer: String,
        _ keyInForce: String?,
        _ previous: ReadManifest?,
        _ report: inout ArchiveVerificationReport
    ) -> Change? {
        var problems: [String] = []
        if handover.newPublicKey != signer {
            problems.append(
                "names the new key \(Self.fingerprint(handover.newPublicKey)), but the manifest is signed by \(Self.fingerprint(signer))"
            )
        }
        if let keyInForce, handover.previousPublicKey != keyInForce {
            problems.append(
                "hands over from \(Self.fingerprint(handover.previousPublicKey)), but the chain's key is \(Self.fingerprint(keyInForce))"
            )
        }
        if let previous, handover.previousManifestSHA256 != previous.sha256 {
            problems.append(
                "names the previous manifest \(handover.previousManifestSHA256), but \(previous.fileName) hashes to \(previous.sha256)"
            )
        }
        if handover.previousKeySignature != nil, !handover.isCosignedByPreviousKey {
            problems.append("the previous key's signature of the hand-over does not verify")
        }
        for problem in problems { report.add(.error, read.fileName, "key-handover", problem) }
        guard problems.isEmpty else { return nil }
        if !handover.isCosignedByPreviousKey {
            report.add(
                .note,
                read.fileName,
                "key-handover",
                "key hand-over from \(Self.fingerprint(handover.previousPublicKey)) to \(Self.fingerprint(signer)), "
                    + "signed by the new key only (the previous key did not co-sign it)"
            )
        }
        return Change(
            file: read.fileName,
            from: handover.previousPublicKey,
            to: signer,
            cosigned: handover.isCosignedByPreviousKey
        )
    }

    /// With `--public-key`: every signer must be trusted, or vouched for by a later trusted key.
    private func checkTrust(
        _ signers: [(file: String, key: String)],
        _ changes: [Change],
        into report: inout ArchiveVerificationReport
    ) {
        var trusted = Set(options.publicKeys)
        for change in changes where change.cosigned && trusted.contains(change.from) { trusted.insert(change.to) }
        var vouchedBy: [String: String] = [:]
        for change in changes.reversed() where !trusted.contains(change.from) {
            if trusted.contains(change.to) || vouchedBy[change.to] != nil { vouchedBy[change.from] = change.file }
        }
        let expected = options.publicKeys.map(Self.fingerprint).joined(separator: ", ")
        var reported: Set<String> = []
        for signer in signers where !trusted.contains(signer.key) {
            guard let handoverFile = vouchedBy[signer.key] else {
                report.add(
                    .error,
                    signer.file,
                    "signing-key",
                    "signed by \(Self.fingerprint(signer.key)), not by an expected key (\(expected))"
                )
                continue
            }
            guard reported.insert(signer.key).inserted else { continue }
            let count = signers.filter { $0.key == signer.key }.count
            report.add(
                .warning,
                signer.file,
                "signing-key",
                "\(count) manifest(s), the first this one, are signed by \(Self.fingerprint(signer.key)), which is not among "
                    + "the --public-key keys: their signatures were checked against the key they carry, and the "
                    + "hand-over in \(handoverFile), signed by a trusted key, names it; pass its public key to "
                    + "prove who signed them"
            )
        }
    }

    static func fingerprint(_ key: String) -> String {
        ArchiveSigningKey.fingerprint(publicKeyBase64: key)
    }
}
