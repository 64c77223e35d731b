import ArgumentParser
import ComplianceAPI
import Forwarder
import ForwarderCore
import Foundation

/// Turns failures into a clear message on standard error and a distinct exit status.
enum CommandSupport {
    static func loadConfiguration(_ path: String) throws -> ForwarderConfiguration {
        do {
            return try ConfigurationLoader.load(path: path)
        } catch {
            printError(error.description)
            throw ExitCode(ForwarderExitCode.configurationInvalid.rawValue)
        }
    }

    /// Runs `body`, mapping known errors to exit statuses (see ``ForwarderExitCode``).
    static func withExitCodes(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as ExitCode {
            throw error
        } catch let error as ComplianceAPIError {
            printError("error: \(error)")
            switch error.code {
            case .authentication, .insufficientScope, .notFound:
                throw ExitCode(ForwarderExitCode.unavailable.rawValue)
            case .invalidRequest, .invalidQuery, .invalidConfiguration:
                throw ExitCode(ForwarderExitCode.configurationInvalid.rawValue)
            default:
                throw ExitCode(ForwarderExitCode.temporaryFailure.rawValue)
            }
        } catch let error as FileError {
            printError("error: \(error)")
            throw ExitCode(
                error.code == .corruptCheckpoint
                    ? ForwarderExitCode.dataInvalid.rawValue : ForwarderExitCode.ioError.rawValue
            )
        } catch let error as StateStoreError {
            printError("error: \(error)")
            switch error.code {
            case .corruptCheckpoint: throw ExitCode(ForwarderExitCode.dataInvalid.rawValue)
            case .incompatible: throw ExitCode(ForwarderExitCode.configurationInvalid.rawValue)
            default: throw ExitCode(ForwarderExitCode.unavailable.rawValue)
            }
        } catch let error as HTTPSinkError where error.code == .setup {
            printError("error: \(error)")
            throw ExitCode(ForwarderExitCode.configurationInvalid.rawValue)
        } catch let error as HealthServerError {
            printError("error: \(error)")
            throw ExitCode(ForwarderExitCode.configurationInvalid.rawValue)
        } catch let error as SyslogSinkError where !error.isRetryable {
            printError("error: \(error)")
            throw ExitCode(ForwarderExitCode.configurationInvalid.rawValue)
        } catch is CancellationError {
            return
        } catch {
            printError("error: \(error)")
            throw ExitCode(ForwarderExitCode.failure.rawValue)
        }
    }

    static func printError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
