import Logging

/// Splunk HEC indexer acknowledgement: polling `/services/collector/ack` and resending what
/// Splunk does not confirm in time.
extension HTTPDelivery {
    /// Polls every `poll_interval` until ``stopAcknowledgementPoller()`` (or cancellation). Runs
    /// beside the sending loop so confirmations keep arriving while the pipeline is idle. Throws
    /// only what ``deliver(_:)`` cannot retry.
    ///
    /// The normal end is a flag, not cancellation: cancelling a resend of expired events midway
    /// would leave them neither pending nor acknowledged.
    func runAcknowledgementPoller() async throws {
        guard let acknowledgement = settings.acknowledgement else { return }
        do {
            while !pollerStopping.withLock({ $0 }) {
                try await Task.sleep(for: acknowledgement.pollInterval)
                if pollerStopping.withLock({ $0 }) { return }
                try await pollAcknowledgements()
            }
        } catch is CancellationError {
            return
        }
    }

    /// Asks the poller to return after its current poll.
    func stopAcknowledgementPoller() {
        pollerStopping.withLock { $0 = true }
    }

    /// Before sending more: waits while too many events await confirmation, so a Splunk that
    /// accepts but never indexes cannot make the sink hold an unbounded backlog in memory.
    func waitForAcknowledgementRoom() async throws {
        guard let acknowledgement = settings.acknowledgement else { return }
        while acknowledgements.pendingEventCount >= acknowledgement.maximumPendingEvents {
            try await Task.sleep(for: acknowledgement.pollInterval)
        }
    }

    /// At the end of the input: polls (and resends) until every event is confirmed.
    func drainAcknowledgements() async throws {
        guard let acknowledgement = settings.acknowledgement else { return }
        while !acknowledgements.isEmpty {
            try await pollAcknowledgements()
            if acknowledgements.isEmpty { return }
            try await Task.sleep(for: acknowledgement.pollInterval)
        }
    }

    /// One poll: acknowledges confirmed requests and sends expired ones again.
    func pollAcknowledgements() async throws {
        guard let acknowledgement = settings.acknowledgement else { return }
        let ids = acknowledgements.pendingIDs
        if !ids.isEmpty {
            do {
                let reply = try await transport.send(
                    url: acknowledgement.endpoint.url,
                    headers: acknowledgement.headers,
                    body: SplunkHECReply.acknowledgementQuery(ids)
                )
                handleAcknowledgementReply(reply)
            } catch let error as HTTPSinkError {
                logger.warning(
                    "Splunk acknowledgement poll failed; polling again",
                    metadata: ["error": "\(scrubber.scrub(error.description))"]
                )
            }
        }
        for expired in acknowledgements.takeExpired(now: .now, timeout: acknowledgement.timeout) {
            logger.warning(
                "Splunk did not confirm indexing in time; sending the events again (duplicates possible)",
                metadata: ["events": "\(expired.count)", "timeout": "\(acknowledgement.timeout)"]
            )
            context.metrics.retried.increment(by: expired.count)
            try await deliver(expired)
        }
    }

    private func handleAcknowledgementReply(_ reply: HTTPReply) {
        if (200..<300).contains(reply.status), let results = SplunkHECReply.acknowledgements(body: reply.body) {
            for confirmed in acknowledgements.confirm(results) { delivered(confirmed.events) }
            return
        }
        let parsed = SplunkHECReply(body: reply.body)
        let code = parsed.code ?? -1
        let message = scrubber.scrub("\(parsed.summary)\(SplunkHECDialect.hint(code))")
        if SplunkHECDialect.configurationCodes.contains(code) || [401, 403, 404].contains(reply.status) {
            context.metrics.health.markUnhealthy(message)
            logger.error(
                "Splunk refused the acknowledgement poll; events stay unacknowledged",
                metadata: ["status": "\(reply.status)", "error": "\(message)"]
            )
        } else {
            logger.warning(
                "Splunk acknowledgement poll failed; polling again",
                metadata: ["status": "\(reply.status)", "error": "\(message)"]
            )
        }
    }
}
