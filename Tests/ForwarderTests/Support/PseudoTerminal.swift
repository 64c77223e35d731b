import CPseudoTerminal
import Foundation

/// A pseudo-terminal pair: a child whose output goes to its secondary side believes it writes to
/// a terminal; the test reads what it drew from the primary side.
final class PseudoTerminal {
    let primary: Int32
    let secondary: Int32
    private var secondaryOpen = true
    private var bytes: [UInt8] = []
    private var chunks: AsyncStream<[UInt8]>.Iterator?

    /// Everything read so far.
    var output: String { String(decoding: bytes, as: UTF8.self) }

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

    deinit {
        close(primary)
        if secondaryOpen { close(secondary) }
    }

    /// Starts the built binary with standard output and error on the terminal, closes this
    /// process's copy of the secondary side (so the child's exit ends the output), and reads the
    /// primary side on a thread of its own, keeping the cooperative pool free for the in-process mock.
    func start(_ arguments: [String], environment: [String: String]) throws -> ForwarderProcess {
        let process = Process()
        process.executableURL = ForwarderProcess.executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let terminal = FileHandle(fileDescriptor: secondary, closeOnDealloc: false)
        process.standardOutput = terminal
        process.standardError = terminal
        try process.run()
        close(secondary)
        secondaryOpen = false
        let (stream, continuation) = AsyncStream.makeStream(of: [UInt8].self)
        let primary = primary
        Thread {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = Glibc.read(primary, &buffer, buffer.count)
                if count > 0 {
                    continuation.yield(Array(buffer[0..<count]))
                } else if count < 0 && errno == EINTR {
                    continue
                } else {
                    break  // EIO once the last writer is gone
                }
            }
            continuation.finish()
        }.start()
        chunks = stream.makeAsyncIterator()
        return ForwarderProcess(process: process, output: URL(fileURLWithPath: "/dev/null"))
    }

    /// Reads until `condition` holds for the output so far; `false` if the output ended first.
    func read(until condition: (String) -> Bool) async -> Bool {
        var iterator = chunks
        defer { chunks = iterator }
        while !condition(output) {
            guard let chunk = await iterator?.next() else { return false }
            bytes += chunk
        }
        return true
    }

    /// Reads to the end of the output (every writer closed the terminal) and returns all of it.
    func readAll() async -> String {
        _ = await read { _ in false }
        return output
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
