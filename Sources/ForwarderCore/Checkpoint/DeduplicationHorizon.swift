/// How long the ids of emitted activities are remembered: the poller's in-memory set and the
/// checkpoint's delivered set use this one span, so a restart seeds the poller with exactly what
/// it would have remembered had it kept running.
///
/// The overlap pass re-reads `[now − lookback, cursor]`, so an id whose `created_at` is older than
/// `now − lookback` is never read again and need not be remembered. The margin on top absorbs the
/// skew between this host's clock and the API's `created_at` (and a poll cycle in progress):
/// remembering an id a little longer costs a few bytes, forgetting it early re-sends it.
public enum DeduplicationHorizon {
    /// Added to the lookback.
    public static let margin: Duration = .seconds(300)

    /// The span for `lookback` (`source.lookback`).
    public static func span(lookback: Duration) -> Duration {
        lookback + margin
    }
}
