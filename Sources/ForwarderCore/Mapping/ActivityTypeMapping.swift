/// How one activity type appears in a SIEM: its ECS categorization, a readable name and a severity.
///
/// Rows are data reviewed by hand (see ``ActivityMappingTable``); nothing here is guessed at run time
/// except the ``fallback(for:)`` row for a type this version does not know, which is read from the
/// type's name.
public struct ActivityTypeMapping: Sendable, Hashable {
    /// A short readable title, for example "SSO login succeeded": the CEF header Name and the start of
    /// the ECS `message`. It never carries per-event data (users, IPs), as the CEF spec asks.
    public var name: String
    /// `event.category`, in the order written (the most specific first).
    public var categories: [ECSCategorization.Category]
    /// `event.type`: for IAM rows the object (`user`, `group`, `admin`) first, then the activity.
    public var types: [ECSCategorization.EventType]
    /// `event.outcome` (and CEF `outcome`) as the type says: `success` for a completed action (the
    /// record exists because it happened), `failure` for failed, denied, blocked or invalid, `unknown`
    /// for what was only initiated, requested or attempted. The encoders prefer what the record itself
    /// says (`status_code`, `status.outcome`, `approved`).
    public var outcome: ECSCategorization.Outcome
    /// CEF severity 0–10, also `event.severity` and the source of the syslog severity.
    ///
    /// Policy: 1 routine reads, 2 routine content changes and sign-in steps, 3 successful sign-ins and
    /// low-impact settings, 4 failed access and moderate settings, 5 failed sign-ins, membership and
    /// integration changes, 6 credentials, roles, permissions and security settings, 7 data exports,
    /// IP restrictions and weakened data controls, 8 SSO/audit controls switched off or removed and
    /// ownership transfers, 9 organisation deletion.
    public var severity: Int

    /// Creates a row. `severity` is clamped to 0–10.
    public init(
        name: String,
        categories: [ECSCategorization.Category],
        types: [ECSCategorization.EventType],
        outcome: ECSCategorization.Outcome = .success,
        severity: Int
    ) {
        self.name = name
        self.categories = categories
        self.types = types
        self.outcome = outcome
        self.severity = min(max(severity, 0), 10)
    }

    /// The severity used for a type the table does not know: mid-scale, so a new type is neither
    /// buried nor paging anyone until a person has reviewed it.
    public static let fallbackSeverity = 5

    /// The CEF severity band: `Low` (0–3), `Medium` (4–6), `High` (7–8), `Very-High` (9–10).
    public var severityLabel: String {
        switch severity {
        case ...3: "Low"
        case 4...6: "Medium"
        case 7...8: "High"
        default: "Very-High"
        }
    }

    /// `some_new_type` → `Some new type`; empty text → `Unknown activity`.
    static func humanized(_ type: String) -> String {
        var scalars = String.UnicodeScalarView()
        var atStart = true
        for scalar in type.unicodeScalars {
            if scalar == "_" {
                scalars.append(" ")
            } else if atStart {
                scalars.append(contentsOf: String(scalar).uppercased().unicodeScalars)
            } else {
                scalars.append(scalar)
            }
            atStart = false
        }
        let text = String(scalars)
        return text.isEmpty ? "Unknown activity" : text
    }
}
