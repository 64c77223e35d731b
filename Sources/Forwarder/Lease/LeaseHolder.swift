#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Names this replica in the lease row: who holds it, for operators reading the table or logs.
public enum LeaseHolder {
    /// `host/pid/random`: the host and process an operator can find, and a random part so a
    /// restarted process (which may reuse its pid in a container) is a new holder.
    public static func make() -> String {
        var name = [UInt8](repeating: 0, count: 256)
        let found = name.withUnsafeMutableBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                guard let start = chars.baseAddress else { return false }
                return gethostname(start, chars.count - 1) == 0
            }
        }
        let host = found ? String(decoding: name.prefix { $0 != 0 }, as: UTF8.self) : "unknown-host"
        let random = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        return "\(host)/\(getpid())/\(random)"
    }
}
