/// Beyond Netflix: turns full and delta fetches away (503 with `Retry-After`) while the node is falling behind,
/// before heartbeats and registrations feel it. Two signals, either enough: the loop runs its timers late
/// (the node's LoopLagProbe), or more bytes of large bodies wait to be written than the threshold (the connections' backlog).
///
/// The refusal leaves after `refusalDelayMs`, not at once: a client that retries as soon as it is refused (a
/// load tool, a retry loop without back-off) would otherwise turn every refusal into another request at once,
/// and 200 such clients cost the loop more in 503s than the fetches they replace (bench/RESULTS.md,
/// overload.sh). Meanwhile the connection is not read, so a refused client costs nothing until its answer.
/// Off by default.
final class OverloadGuard {
    struct Settings: Sendable, Equatable {
        var enabled = false
        var maxLoopLagMs = 50
        var maxBulkBacklogBytes = 512 * 1024 * 1024
        var retryAfterSeconds = 1
        var refusalDelayMs = 1_000
    }

    private let settings: Settings
    private let loop: EventLoop
    /// The latest lateness of the loop's timers, in microseconds (the node's LoopLagProbe).
    private let loopLagMicros: () -> Int
    private let backlogBytes: () -> Int
    /// Refusals waiting for their delay, oldest first; one timer sends them.
    private var deferred: [(due: UInt64, reply: PendingReply, response: Response)] = []
    private let release: LoopTimer
    /// Fetches turned away, for /metrics and tests.
    private(set) var refused = 0

    init(loop: EventLoop, settings: Settings, loopLagMicros: @escaping () -> Int,
         backlogBytes: @escaping () -> Int) throws(UVError) {
        self.settings = settings
        self.loop = loop
        self.loopLagMicros = loopLagMicros
        self.backlogBytes = backlogBytes
        release = try LoopTimer(loop: loop)
    }

    /// Whether a full or delta fetch is served now.
    func admitsBulkFetch() -> Bool {
        let lagging = loopLagMicros() > settings.maxLoopLagMs * 1_000
        guard lagging || backlogBytes() > settings.maxBulkBacklogBytes else { return true }
        refused += 1
        return false
    }

    /// The refusal as a reply that completes after the delay.
    func deliver(_ response: Response) -> Reply {
        guard settings.refusalDelayMs > 0 else { return .now(response) }
        let reply = PendingReply()
        if deferred.isEmpty {
            let period = UInt64(max(10, min(100, settings.refusalDelayMs / 4)))
            release.start(afterMs: period, repeatMs: period) { [unowned self] in sendDue() }
        }
        deferred.append((loop.nowMillis + UInt64(settings.refusalDelayMs), reply, response))
        return .later(reply)
    }

    private func sendDue() {
        let now = loop.nowMillis
        let due = deferred.prefix { $0.due <= now }.count
        let sending = deferred.prefix(due)
        deferred.removeFirst(due)
        if deferred.isEmpty { release.stop() }
        for refusal in sending { refusal.reply.complete(refusal.response) }
    }

    /// Stop: the refusals still waiting leave now, so their connections can close.
    func close() {
        let sending = deferred
        deferred.removeAll()
        for refusal in sending { refusal.reply.complete(refusal.response) }
        release.close()
    }
}
