import ForwarderCore
import Foundation

/// Names this replica in the lease row: who holds it, for operators reading the table or logs.
public enum LeaseHolder {
    /// `host/pid/random`: the host and process an operator can find, and a random part so a
    /// restarted process (which may reuse its pid in a container) is a new holder.
    public static func make() -> String {
        let host = ForwarderConfiguration.SyslogSink.machineHostname() ?? "unknown-host"
        let random = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        return "\(host)/\(ProcessInfo.processInfo.processIdentifier)/\(random)"
    }
}
