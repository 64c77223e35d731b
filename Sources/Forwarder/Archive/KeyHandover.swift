import ComplianceAPI

/// `key_handover` in a manifest: the first manifest a new signing key signs names the key that
/// signed the chain before it, so `archive verify` accepts the change of signer there, and only
/// there (docs/archive.md, "Key rotation").
///
/// The manifest's own signature (by the new key) covers it. When the old private key is still at
/// hand (`previous_signing_key_file`), the old key also signs the *statement*: the canonical JSON
/// of this object without `previous_key_signature`, which names both keys and the previous
/// manifest's hash, so the hand-over cannot be replayed at another place in the chain.
struct KeyHandover: Sendable, Hashable {
    static let statementFormat = "compliance-forwarder/key-handover"

    /// The key that signed the chain up to the previous manifest (base64).
    var previousPublicKey: String
    /// The key that signs from this manifest on (base64); equal to the manifest's signer.
    var newPublicKey: String
    /// SHA-256 of the previous manifest file: where in the chain the key changed.
    var previousManifestSHA256: String
    /// The previous key's Ed25519 signature of ``statementBytes`` (base64), when it was available.
    var previousKeySignature: String?

    /// The members, with `previous_key_signature` unless `signed` is false (the statement).
    func json(signed: Bool = true) -> JSONValue {
        var object: JSONObject = [
            "format": .string(Self.statementFormat),
            "previous_public_key": .string(previousPublicKey),
            "previous_key_fingerprint": .string(ArchiveSigningKey.fingerprint(publicKeyBase64: previousPublicKey)),
            "new_public_key": .string(newPublicKey),
            "new_key_fingerprint": .string(ArchiveSigningKey.fingerprint(publicKeyBase64: newPublicKey)),
            "previous_manifest_sha256": .string(previousManifestSHA256),
        ]
        if signed { object["previous_key_signature"] = previousKeySignature.map(JSONValue.string) ?? .null }
        return .object(object)
    }

    /// What the previous key signs.
    var statementBytes: [UInt8] { CanonicalJSON.serialize(json(signed: false)) }

    /// Whether the previous key's signature is present and verifies.
    var isCosignedByPreviousKey: Bool {
        guard let previousKeySignature else { return false }
        return ArchiveSigningKey.isValid(
            signature: previousKeySignature,
            publicKey: previousPublicKey,
            bytes: statementBytes
        )
    }
}

extension KeyHandover {
    init(json value: JSONValue) throws(ArchiveFormatError) {
        guard let object = value.objectValue, object.string("format") == Self.statementFormat,
            let previous = object.string("previous_public_key"), let new = object.string("new_public_key"),
            let link = object.string("previous_manifest_sha256"),
            object.string("previous_key_fingerprint") == ArchiveSigningKey.fingerprint(publicKeyBase64: previous),
            object.string("new_key_fingerprint") == ArchiveSigningKey.fingerprint(publicKeyBase64: new)
        else { throw ArchiveFormatError("\"key_handover\" is malformed") }
        self.init(
            previousPublicKey: previous,
            newPublicKey: new,
            previousManifestSHA256: link,
            previousKeySignature: object.string("previous_key_signature")
        )
    }
}
