import Foundation

/// A throwaway PKI for the TLS tests (EC P-256, valid for 100 years, generated with openssl):
/// a CA, a server certificate for `fwd-test.example` only (no IP address, so connecting to
/// 127.0.0.1 needs `server_name`), a client certificate for mutual TLS, and an unrelated CA.
/// The keys protect nothing but these tests.
enum TestPKI {
    static let caCertificate = """
        -----BEGIN CERTIFICATE-----
        MIIBtjCCAVugAwIBAgIUC7Wxt46zH4n/jH6zuj3O4q2txMYwCgYIKoZIzj0EAwIw
        JzElMCMGA1UEAwwcY29tcGxpYW5jZS1mb3J3YXJkZXIgdGVzdCBDQTAgFw0yNjEx
        MjgwNTU2MjhaGA8yMTI2MTEwNDA1NTYyOFowJzElMCMGA1UEAwwcY29tcGxpYW5j
        ZS1mb3J3YXJkZXIgdGVzdCBDQTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABN4x
        HuE2f5GRdAGd1BiCVbmTNHrIeNjeoaR3Q/XzsifrikVTgiGWjiGYad/gaDPvWwlZ
        Qe5dzWTS1fvbAKcHfDKjYzBhMB0GA1UdDgQWBBTgKdK76TYX32ZcjIHkLaa7JGz4
        iDAfBgNVHSMEGDAWgBTgKdK76TYX32ZcjIHkLaa7JGz4iDAPBgNVHRMBAf8EBTAD
        AQH/MA4GA1UdDwEB/wQEAwIBBjAKBggqhkjOPQQDAgNJADBGAiEAjlQuJCI6wpWb
        TO3xcpxUAeJOObpzfJMtzDLNelnqOscCIQD4wSMk8k24GmRYUi8cQ+iy5Wi3ya1V
        ekUZsUrA6V2heA==
        -----END CERTIFICATE-----
        """

    static let serverCertificate = """
        -----BEGIN CERTIFICATE-----
        MIIBxTCCAWugAwIBAgIUIZdecTbb1pKjWTNIuJMfcPANk5MwCgYIKoZIzj0EAwIw
        JzElMCMGA1UEAwwcY29tcGxpYW5jZS1mb3J3YXJkZXIgdGVzdCBDQTAgFw0yNjEx
        MjgwNTU2MjhaGA8yMTI2MTEwNDA1NTYyOFowGzEZMBcGA1UEAwwQZndkLXRlc3Qu
        ZXhhbXBsZTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABNaZ7UMtksfo7NWKBqlC
        caAIPATXPnufNyNM2sWAqxIbcSLGl2TsZD7QtM6SUM+veOPXR9EDfR/7ih25Lgqf
        JxOjfzB9MBsGA1UdEQQUMBKCEGZ3ZC10ZXN0LmV4YW1wbGUwEwYDVR0lBAwwCgYI
        KwYBBQUHAwEwCQYDVR0TBAIwADAdBgNVHQ4EFgQURKTqF9uGYbFvmVBRHAXhOV3Z
        SJowHwYDVR0jBBgwFoAU4CnSu+k2F99mXIyB5C2muyRs+IgwCgYIKoZIzj0EAwID
        SAAwRQIgak9Vv1w8mXwfCCGbvGjQn25VP7kiok9Uhy/8QKTvu8QCIQD1dN9kSmW9
        0oXT2x/2W8Cg7CwZTt7euJ69yk7nK9UFxQ==
        -----END CERTIFICATE-----
        """

    static let serverKey = """
        -----BEGIN EC PRIVATE KEY-----
        MHcCAQEEIJubB4/UYsoJxLAcFwoHm/eYJfGm87c+LoY5OAgtaXc4oAoGCCqGSM49
        AwEHoUQDQgAE1pntQy2Sx+js1YoGqUJxoAg8BNc+e583I0zaxYCrEhtxIsaXZOxk
        PtC0zpJQz69449dH0QN9H/uKHbkuCp8nEw==
        -----END EC PRIVATE KEY-----
        """

    static let clientCertificate = """
        -----BEGIN CERTIFICATE-----
        MIIBqDCCAU6gAwIBAgIUIZdecTbb1pKjWTNIuJMfcPANk5QwCgYIKoZIzj0EAwIw
        JzElMCMGA1UEAwwcY29tcGxpYW5jZS1mb3J3YXJkZXIgdGVzdCBDQTAgFw0yNjEx
        MjgwNTU2MjhaGA8yMTI2MTEwNDA1NTYyOFowGzEZMBcGA1UEAwwQZm9yd2FyZGVy
        LWNsaWVudDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABCo0AnrjpEt8HLTwR0WQ
        jMeH9hMkjiPJ+nBsQFcXRNHYiNyt886WfCGKm98wtlCjWbGPD5p4rRmQcEa/noK3
        BaCjYjBgMBMGA1UdJQQMMAoGCCsGAQUFBwMCMAkGA1UdEwQCMAAwHQYDVR0OBBYE
        FCsXjUUL+qq0iUKG53/2d3mCdgApMB8GA1UdIwQYMBaAFOAp0rvpNhffZlyMgeQt
        prskbPiIMAoGCCqGSM49BAMCA0gAMEUCIQCbUWq2na7Ul/o6nQoutD4svOzTPBtG
        Ir0sidM4060ysAIgfFdFtPiXm5WzheSrcVOTZyw2facwkO8gXY0o1h2ctO0=
        -----END CERTIFICATE-----
        """

    static let clientKey = """
        -----BEGIN EC PRIVATE KEY-----
        MHcCAQEEIEHaC8VIAZVbFTPicn+PeaJGnrAYsbFAP5dfJzJA7CEPoAoGCCqGSM49
        AwEHoUQDQgAEKjQCeuOkS3wctPBHRZCMx4f2EySOI8n6cGxAVxdE0diI3K3zzpZ8
        IYqb3zC2UKNZsY8PmnitGZBwRr+egrcFoA==
        -----END EC PRIVATE KEY-----
        """

    static let otherCACertificate = """
        -----BEGIN CERTIFICATE-----
        MIIBiDCCAS2gAwIBAgIUMKLzRolFJsk7rAM5nCEftEzXGk8wCgYIKoZIzj0EAwIw
        GDEWMBQGA1UEAwwNc29tZSBvdGhlciBDQTAgFw0yNjExMjgwNTU2MjhaGA8yMTI2
        MTEwNDA1NTYyOFowGDEWMBQGA1UEAwwNc29tZSBvdGhlciBDQTBZMBMGByqGSM49
        AgEGCCqGSM49AwEHA0IABEajfxt+Av9wOK5HMrMtYY5XrLWUTSw+a4I2E8wPHXOP
        TU2u9s3n1O586IYsNNiddGggsXxV9IjXlGP8ddBl/dmjUzBRMB0GA1UdDgQWBBTi
        o6pSrhhOeM1aZsxH66iBQfHFpjAfBgNVHSMEGDAWgBTio6pSrhhOeM1aZsxH66iB
        QfHFpjAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0kAMEYCIQCQAgeq2GN2
        acNaRAIuxAtcdvwvlx99Vsoc8CjRawdhdQIhAP3nikZX3Blt97FU/jahOzqiLUpE
        fFGcVpTJCaiOO115
        -----END CERTIFICATE-----
        """

    /// Writes every file into `directory` and returns their paths by name (`ca.pem`, …).
    static func write(to directory: String) throws -> [String: String] {
        let files = [
            "ca.pem": caCertificate, "server.pem": serverCertificate, "server.key": serverKey,
            "client.pem": clientCertificate, "client.key": clientKey, "other-ca.pem": otherCACertificate,
        ]
        var paths: [String: String] = [:]
        for (name, text) in files {
            let path = directory + "/" + name
            try (text + "\n").write(toFile: path, atomically: true, encoding: .utf8)
            paths[name] = path
        }
        return paths
    }
}
