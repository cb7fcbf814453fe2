/// Beyond Netflix: turns full and delta fetches away (503 with `Retry-After`) while the node is falling behind,
/// before heartbeats and registrations feel it. Two signals, either enough: the loop runs its timers late
/// (LoopLag), or more bytes of large bodies wait to be written than the threshold (the connections' backlog).
/// A full registry is the one request whose answer costs the loop in proportion to the registry; a fetch
/// refused costs a few microseconds, and the clients come back after `Retry-After` or their next interval.
/// Off by default (see README: a 503 that a healthy node did not need would still be a failed fetch).
final class OverloadGuard {
    struct Settings: Sendable, Equatable {
        var enabled = false
        var maxLoopLagMs = 50
        var maxBulkBacklogBytes = 512 * 1024 * 1024
        var retryAfterSeconds = 1
    }

    private let settings: Settings
    private let lag: LoopLag
    private let backlogBytes: () -> Int
    /// Fetches turned away, for /metrics and tests.
    private(set) var refused = 0

    init(loop: EventLoop, settings: Settings, backlogBytes: @escaping () -> Int) throws(UVError) {
        self.settings = settings
        self.backlogBytes = backlogBytes
        lag = try LoopLag(loop: loop)
    }

    /// Whether a full or delta fetch is served now.
    func admitsBulkFetch() -> Bool {
        let lagging = lag.currentMicros > UInt64(settings.maxLoopLagMs) * 1_000
        guard lagging || backlogBytes() > settings.maxBulkBacklogBytes else { return true }
        refused += 1
        return false
    }

    func close() { lag.close() }
}
