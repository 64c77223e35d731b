import CPseudoTerminal
import Foundation

/// A pseudo-terminal pair: a child whose output goes to ``secondary`` believes it writes to a
/// terminal; the test reads what it drew from the primary side.
final class PseudoTerminal: Sendable {
    let primary: Int32
    let secondary: Int32

    init() throws {
        var primary: Int32 = -1
        var secondary: Int32 = -1
        guard openpty(&primary, &secondary, nil, nil, nil) == 0 else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        // Close-on-exec: a child started by another test must not keep the secondary side open,
        // or the primary never reports the end of the output.
        _ = fcntl(primary, F_SETFD, FD_CLOEXEC)
        _ = fcntl(secondary, F_SETFD, FD_CLOEXEC)
        self.primary = primary
        self.secondary = secondary
    }

    /// Starts the built binary with standard output and error on the terminal, then closes this
    /// process's copy of the secondary side so the end of the child's output ends ``readAll()``.
    func start(_ arguments: [String], environment: [String: String]) throws -> Process {
        let process = Process()
        process.executableURL = ForwarderProcess.executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let terminal = FileHandle(fileDescriptor: secondary, closeOnDealloc: false)
        process.standardOutput = terminal
        process.standardError = terminal
        try process.run()
        close(secondary)
        return process
    }

    /// Everything written to the terminal until every writer has closed it, read on a thread of
    /// its own so the cooperative pool stays free for the in-process mock.
    func readAll() async -> String {
        let primary = primary
        let bytes = await withCheckedContinuation { (continuation: CheckedContinuation<[UInt8], Never>) in
            let reader = Thread {
                var bytes: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: 4096)
                while true {
                    let count = read(primary, &buffer, buffer.count)
                    if count > 0 {
                        bytes += buffer[0..<count]
                    } else if count < 0 && errno == EINTR {
                        continue
                    } else {
                        break  // EIO once the last writer is gone
                    }
                }
                continuation.resume(returning: bytes)
            }
            reader.start()
        }
        close(primary)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The lines a terminal shows after `output`: carriage returns move to the start of the line,
    /// `ESC [ K` erases to its end, and the last element is the line the cursor stays on (where
    /// the shell prompt goes).
    static func screenLines(_ output: String) -> [String] {
        var lines: [String] = []
        var line: [Unicode.Scalar] = []
        var column = 0
        var scalars = output.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            switch scalar {
            case "\r":
                column = 0
            case "\n":
                lines.append(String(String.UnicodeScalarView(line)))
                line = []
                column = 0
            case "\u{1B}":
                var sequence = ""
                while let next = scalars.next() {
                    sequence.unicodeScalars.append(next)
                    if next.properties.isAlphabetic { break }
                }
                if sequence == "[K", column < line.count { line.removeSubrange(column...) }
            default:
                if column < line.count { line[column] = scalar } else { line.append(scalar) }
                column += 1
            }
        }
        lines.append(String(String.UnicodeScalarView(line)))
        return lines
    }
}
