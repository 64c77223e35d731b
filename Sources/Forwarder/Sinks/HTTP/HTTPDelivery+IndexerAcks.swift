import Logging

/// Splunk HEC indexer acknowledgement ("indexer acks", not the pipeline's acknowledgements):
/// polling `/services/collector/ack` and resending what Splunk does not confirm in time.
extension HTTPDelivery {
    /// Polls every `poll_interval` until ``stopIndexerAckPoller()`` (or cancellation). Runs
    /// beside the sending loop so confirmations keep arriving while the pipeline is idle. Throws
    /// only what ``deliver(_:)`` cannot retry.
    ///
    /// The normal end is a flag, not cancellation: cancelling a resend of expired events midway
    /// would leave them neither pending nor acknowledged.
    func runIndexerAckPoller() async throws {
        guard let indexerAckSettings = settings.indexerAcks else { return }
        do {
            while !pollerStopping.withLock({ $0 }) {
                try await Task.sleep(for: indexerAckSettings.pollInterval)
                if pollerStopping.withLock({ $0 }) { return }
                try await pollIndexerAcks()
            }
        } catch is CancellationError {
            return
        }
    }

    /// Asks the poller to return after its current poll.
    func stopIndexerAckPoller() {
        pollerStopping.withLock { $0 = true }
    }

    /// Before sending more: waits while too many events await confirmation, so a Splunk that
    /// accepts but never indexes cannot make the sink hold an unbounded backlog in memory.
    func waitForIndexerAckRoom() async throws {
        guard let indexerAckSettings = settings.indexerAcks else { return }
        while indexerAcks.pendingEventCount >= indexerAckSettings.maximumPendingEvents {
            try await Task.sleep(for: indexerAckSettings.pollInterval)
        }
    }

    /// At the end of the input: polls (and resends) until every event is confirmed.
    func drainIndexerAcks() async throws {
        guard let indexerAckSettings = settings.indexerAcks else { return }
        while !indexerAcks.isEmpty {
            try await pollIndexerAcks()
            if indexerAcks.isEmpty { return }
            try await Task.sleep(for: indexerAckSettings.pollInterval)
        }
    }

    /// One poll: acknowledges confirmed requests and sends expired ones again.
    func pollIndexerAcks() async throws {
        guard let indexerAckSettings = settings.indexerAcks else { return }
        let ids = indexerAcks.pendingIDs
        if !ids.isEmpty {
            do {
                let reply = try await transport.send(
                    url: indexerAckSettings.endpoint.url,
                    headers: indexerAckSettings.headers,
                    body: SplunkHECReply.indexerAckQuery(ids)
                )
                handleIndexerAckReply(reply)
            } catch let error as HTTPSinkError {
                logger.warning(
                    "Splunk indexer ack poll failed; polling again",
                    metadata: ["error": "\(scrubber.scrub(error.description))"]
                )
            }
        }
        for expired in indexerAcks.takeExpired(now: .now, timeout: indexerAckSettings.timeout) {
            logger.warning(
                "Splunk did not confirm indexing in time; sending the events again (duplicates possible)",
                metadata: ["events": "\(expired.count)", "timeout": "\(indexerAckSettings.timeout)"]
            )
            context.metrics.retried.increment(by: expired.count)
            try await deliver(expired)
        }
    }

    private func handleIndexerAckReply(_ reply: HTTPReply) {
        if (200..<300).contains(reply.status), let results = SplunkHECReply.indexerAcks(body: reply.body) {
            for confirmed in indexerAcks.confirm(results) { delivered(confirmed.events) }
            return
        }
        let parsed = SplunkHECReply(body: reply.body)
        let code = parsed.code ?? -1
        let message = scrubber.scrub("\(parsed.summary)\(SplunkHECDialect.hint(code))")
        if SplunkHECDialect.configurationCodes.contains(code) || [401, 403, 404].contains(reply.status) {
            context.metrics.health.markUnhealthy(message)
            logger.error(
                "Splunk refused the indexer ack poll; events stay unacknowledged",
                metadata: ["status": "\(reply.status)", "error": "\(message)"]
            )
        } else {
            logger.warning(
                "Splunk indexer ack poll failed; polling again",
                metadata: ["status": "\(reply.status)", "error": "\(message)"]
            )
        }
    }
}
