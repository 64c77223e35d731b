import Foundation

/// A throwaway PKI for the server-name tests (EC P-256, valid for 100 years, made with openssl):
/// one CA and two receiver certificates from it, one whose only subjectAltName is
/// `IP:127.0.0.1` (CN `ip-only-receiver`) and one whose only subjectAltName is
/// `DNS:siem.example.test` (CN `siem-receiver`, so a match proves the SAN was used).
/// The keys protect nothing but these tests.
enum TestIdentityPKI {
    static let caCertificate = """
        -----BEGIN CERTIFICATE-----
        MIIBxzCCAW2gAwIBAgIUdQNMRnq3q+EXPuwvvmmdrb4WDrUwCgYIKoZIzj0EAwIw
        MDEuMCwGA1UEAwwlY29tcGxpYW5jZS1mb3J3YXJkZXIgaWRlbnRpdHkgdGVzdCBD
        QTAgFw0yNjExMjgwOTU4MDNaGA8yMTI2MTEwNDA5NTgwM1owMDEuMCwGA1UEAwwl
        Y29tcGxpYW5jZS1mb3J3YXJkZXIgaWRlbnRpdHkgdGVzdCBDQTBZMBMGByqGSM49
        AgEGCCqGSM49AwEHA0IABJuN7nfsDPezOiYwCh+qu7JWpRRa+24Ds5X6X1LAczkh
        5nQfAvFr/EzHEpRF7DEh46GttaOXuDOB/nUyOYBaLWGjYzBhMB8GA1UdIwQYMBaA
        FLJWvkumuJdpHLRqMUf4/ejoXHpnMA8GA1UdEwEB/wQFMAMBAf8wDgYDVR0PAQH/
        BAQDAgEGMB0GA1UdDgQWBBSyVr5LpriXaRy0ajFH+P3o6Fx6ZzAKBggqhkjOPQQD
        AgNIADBFAiA3NNYrb963P7LSQ/lw9ci2NxsGD7SHoIA/tA0DZ7hp7QIhAOW8FHqc
        1BXMLzCyrRezio6H6gORLJRZyNzygZwMs2li
        -----END CERTIFICATE-----
        """

    static let ipOnlyCertificate = """
        -----BEGIN CERTIFICATE-----
        MIIB1TCCAXqgAwIBAgIRANMrRh7yYO4Mn68h0Bxtqj8wCgYIKoZIzj0EAwIwMDEu
        MCwGA1UEAwwlY29tcGxpYW5jZS1mb3J3YXJkZXIgaWRlbnRpdHkgdGVzdCBDQTAg
        Fw0yNjExMjgwOTU4MDNaGA8yMTI2MTEwNDA5NTgwM1owGzEZMBcGA1UEAwwQaXAt
        b25seS1yZWNlaXZlcjBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABLtIFKt1sate
        0MbrdbiEqTuyu+eUR/SfJSlC2A3+G01b29sx/KpDGmMP2nIkHTkqGd7lA9eQ9UUD
        D/G4xnePWy2jgYcwgYQwDAYDVR0TAQH/BAIwADAOBgNVHQ8BAf8EBAMCB4AwEwYD
        VR0lBAwwCgYIKwYBBQUHAwEwHQYDVR0OBBYEFLhp9dFvz85l52PK5g3Oc/LdE7gK
        MB8GA1UdIwQYMBaAFLJWvkumuJdpHLRqMUf4/ejoXHpnMA8GA1UdEQQIMAaHBH8A
        AAEwCgYIKoZIzj0EAwIDSQAwRgIhAMsv6y58P4HaAHkMr2J0PFLDIYSN9AO972eP
        rZ21EGPgAiEAp6GDHfnNoKqPVtKDs1Y1IpFLXqEtsjJs52SdTToVeSs=
        -----END CERTIFICATE-----
        """

    static let ipOnlyKey = """
        -----BEGIN EC PRIVATE KEY-----
        MHcCAQEEIGPUakzUzunFWBQo8OdcYqV/54X2bRmC/SqlPNmzcs9loAoGCCqGSM49
        AwEHoUQDQgAEu0gUq3Wxq17Qxut1uISpO7K755RH9J8lKULYDf4bTVvb2zH8qkMa
        Yw/aciQdOSoZ3uUD15D1RQMP8bjGd49bLQ==
        -----END EC PRIVATE KEY-----
        """

    static let siemCertificate = """
        -----BEGIN CERTIFICATE-----
        MIIB3jCCAYOgAwIBAgIQAjNwqaiXLAQ9U0joqPAmhDAKBggqhkjOPQQDAjAwMS4w
        LAYDVQQDDCVjb21wbGlhbmNlLWZvcndhcmRlciBpZGVudGl0eSB0ZXN0IENBMCAX
        DTI2MTEyODA5NTgwNFoYDzIxMjYxMTA0MDk1ODA0WjAYMRYwFAYDVQQDDA1zaWVt
        LXJlY2VpdmVyMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE3U1RbTSP/91n/2F+
        82LPO9jNZbxz6ZDNOmLtOOghwJ4mKYQMNgLfHTwLXFBKFNCChHwMIzUqOKmfWKtn
        8ZipAaOBlDCBkTAMBgNVHRMBAf8EAjAAMA4GA1UdDwEB/wQEAwIHgDATBgNVHSUE
        DDAKBggrBgEFBQcDATAdBgNVHQ4EFgQUhT9plwet6ZDLUiVe1nEQOfrAlWswHwYD
        VR0jBBgwFoAUsla+S6a4l2kctGoxR/j96OhcemcwHAYDVR0RBBUwE4IRc2llbS5l
        eGFtcGxlLnRlc3QwCgYIKoZIzj0EAwIDSQAwRgIhAPXw4U4BEXWjEVLANcqc5IVr
        UalY7YjR5gPJMBxlFMytAiEAlOkNNWcztWlcX/OjuvDaLRpCLfggfcp6/198MIb9
        ioQ=
        -----END CERTIFICATE-----
        """

    static let siemKey = """
        -----BEGIN EC PRIVATE KEY-----
        MHcCAQEEIMv4y1cd3y/J2YuCQOZAqQW1OpOD9IlecWuFu7pTMs7ioAoGCCqGSM49
        AwEHoUQDQgAE3U1RbTSP/91n/2F+82LPO9jNZbxz6ZDNOmLtOOghwJ4mKYQMNgLf
        HTwLXFBKFNCChHwMIzUqOKmfWKtn8ZipAQ==
        -----END EC PRIVATE KEY-----
        """

    /// The DNS name in `siemCertificate`.
    static let siemName = "siem.example.test"

    /// A second CA and a receiver certificate from it that expired on 2021-01-01 (valid
    /// 2020-01-01…2021-01-01, subjectAltName `DNS:localhost, IP:127.0.0.1`), made with `openssl ca`.
    static let expiredCACertificate = """
        -----BEGIN CERTIFICATE-----
        MIIBijCCATGgAwIBAgIUFr0LsJalQ35KokGrn2lWq2G/QWAwCgYIKoZIzj0EAwIw
        GjEYMBYGA1UEAwwPZXhwaXJlZC10ZXN0LWNhMCAXDTI2MTIwNTE4NTg0NVoYDzIx
        MjYxMTExMTg1ODQ1WjAaMRgwFgYDVQQDDA9leHBpcmVkLXRlc3QtY2EwWTATBgcq
        hkjOPQIBBggqhkjOPQMBBwNCAASmAeXl6VMzzKtZkJgUzCKYXNye3LNihEwXDvFE
        6atOBwFIkNNdwlofR2AMNuNugFn769Vgqbtu+QjcGIhFnG0Eo1MwUTAdBgNVHQ4E
        FgQU63SMd9CUCRNxLaU39GCxIF+IomAwHwYDVR0jBBgwFoAU63SMd9CUCRNxLaU3
        9GCxIF+IomAwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNHADBEAiBZ3age
        WAXoiYXCMsKzmmecxheo021kc0JqVF6gCxNcrQIgQYDe3C/P3so17hYMKvL5yWij
        vfL7kEL9BmOc5RvLitE=
        -----END CERTIFICATE-----
        """

    static let expiredCertificate = """
        -----BEGIN CERTIFICATE-----
        MIIBozCCAUigAwIBAgIBATAKBggqhkjOPQQDAjAaMRgwFgYDVQQDDA9leHBpcmVk
        LXRlc3QtY2EwHhcNMjAwMTAxMDAwMDAwWhcNMjEwMTAxMDAwMDAwWjAbMRkwFwYD
        VQQDDBBleHBpcmVkLXJlY2VpdmVyMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE
        OHX8VHHCHpyYpJNvy4HH864QsyNbVZlWycbWJ7+32PUa4wafun6BXtXCShM8R6R0
        cOGdK68pcY4cYkfc/ZJpcqN+MHwwGgYDVR0RBBMwEYIJbG9jYWxob3N0hwR/AAAB
        MAkGA1UdEwQCMAAwEwYDVR0lBAwwCgYIKwYBBQUHAwEwHQYDVR0OBBYEFN8yA78t
        oWHcAz5jHJOkJrjaJsv3MB8GA1UdIwQYMBaAFOt0jHfQlAkTcS2lN/RgsSBfiKJg
        MAoGCCqGSM49BAMCA0kAMEYCIQDnc95fT18YEmPSrnv2oa6oGqf4rrgwKVfO/0Uu
        3kqoBwIhALTQeYx/TObwZWKrfqAvL70LaQaV1QD8WgM25Ej5w40N
        -----END CERTIFICATE-----
        """

    static let expiredKey = """
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgDp1hhcPlvp70QEMR
        XAuH5ytGLrW0oQCAkCSLBVYFA8WhRANCAAQ4dfxUccIenJikk2/LgcfzrhCzI1tV
        mVbJxtYnv7fY9RrjBp+6foFe1cJKEzxHpHRw4Z0rrylxjhxiR9z9kmly
        -----END PRIVATE KEY-----
        """

    /// Writes `identity-ca.pem`, `ip-only.pem`, `ip-only-key.pem`, `siem.pem`, `siem-key.pem` and
    /// the `expired-ca.pem`, `expired.pem`, `expired-key.pem` set
    /// into `directory` (the receiver script's `--server-cert NAME` naming) and returns the
    /// directory.
    @discardableResult
    static func write(to directory: String) throws -> String {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let files = [
            "identity-ca.pem": caCertificate, "ip-only.pem": ipOnlyCertificate, "ip-only-key.pem": ipOnlyKey,
            "siem.pem": siemCertificate, "siem-key.pem": siemKey,
            "expired-ca.pem": expiredCACertificate, "expired.pem": expiredCertificate, "expired-key.pem": expiredKey,
        ]
        for (name, text) in files {
            try (text + "\n").write(toFile: directory + "/" + name, atomically: true, encoding: .utf8)
        }
        return directory
    }
}
