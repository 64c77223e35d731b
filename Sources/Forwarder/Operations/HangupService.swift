import Logging
import ServiceLifecycle
import UnixSignals

/// Runs `action` for every SIGHUP until graceful shutdown. SIGHUP never stops the process.
///
/// The signal is trapped in ``make(logger:action:)``, before the service group starts, so a
/// SIGHUP arriving early is queued rather than killing the process with the default action.
public final class HangupService: Service {
    private let signals: UnixSignalsSequence
    private let action: @Sendable () async -> Void

    private init(signals: UnixSignalsSequence, action: @escaping @Sendable () async -> Void) {
        self.signals = signals
        self.action = action
    }

    /// Traps SIGHUP now.
    public static func make(action: @escaping @Sendable () async -> Void) async -> HangupService {
        HangupService(signals: await UnixSignalsSequence(trapping: .sighup), action: action)
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown { [signals, action] in
            for await _ in signals {
                await action()
            }
        }
    }
}
