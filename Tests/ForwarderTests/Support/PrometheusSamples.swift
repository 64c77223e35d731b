/// Values read from the Prometheus text format.
struct PrometheusSamples {
    let lines: [Substring]

    init(_ text: String) {
        lines = text.split(separator: "\n").filter { !$0.hasPrefix("#") }
    }

    /// The sum over the series of `name` whose labels include `labels`; `nil` when there is none.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        var total: Double?
        for line in lines where line.hasPrefix(name + " ") || line.hasPrefix(name + "{") {
            if !labels.allSatisfy({ line.contains("\($0.key)=\"\($0.value)\"") }) { continue }
            if let value = line.split(separator: " ").last.flatMap({ Double($0) }) { total = (total ?? 0) + value }
        }
        return total
    }
}
