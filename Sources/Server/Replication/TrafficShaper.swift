/// Admission control after retryable failures (spec 7.6, Netflix `TrafficShaper`): no batch is formed until
/// `congestionDelayMs` after a congestion result or `transientDelayMs` after a transient (network) error, each
/// delay capped at 30 s. Two independent windows; a batch waits for both.
struct TrafficShaper {
    static let maxDelayMs: Int64 = 30_000

    let congestionDelayMs: Int64
    let transientDelayMs: Int64
    private var lastCongestion: Int64?
    private var lastTransientError: Int64?

    init(congestionDelayMs: Int64, transientDelayMs: Int64) {
        self.congestionDelayMs = min(Self.maxDelayMs, max(0, congestionDelayMs))
        self.transientDelayMs = min(Self.maxDelayMs, max(0, transientDelayMs))
    }

    mutating func record(_ outcome: BatchOutcome, now: Int64) {
        switch outcome {
        case .congestion: lastCongestion = now
        case .transient: lastTransientError = now
        case .success, .permanent: break
        }
    }

    /// The first time a batch may be sent; `now` or earlier when it may go at once. A failure stamped after `now`
    /// (the caller's clock stepped back) does not hold batches back, as upstream ignores a negative elapsed time.
    func allowedAt(now: Int64) -> Int64 {
        var allowed = now
        if let at = lastCongestion, at <= now { allowed = max(allowed, at + congestionDelayMs) }
        if let at = lastTransientError, at <= now { allowed = max(allowed, at + transientDelayMs) }
        return allowed
    }
}
