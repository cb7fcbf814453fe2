import CLibUV

/// How late the loop runs its timers: a repeating timer compares when it fired with when it was due. A turn
/// that spends 30 ms in callbacks makes the next firing 30 ms late, and every request waiting in that turn
/// waited as long. Measured with uv_hrtime, not uv_now, which is cached per turn and would hide the turn itself.
/// Closed with its owner (`close()`).
final class LoopLag {
    private let timer: LoopTimer
    private let intervalMs: UInt64
    private var lastFiredNanos: UInt64 = 0
    /// The lateness of the last firing.
    private(set) var currentMicros: UInt64 = 0
    private var maxMicros: UInt64 = 0

    init(loop: EventLoop, intervalMs: UInt64 = 20) throws(UVError) {
        self.intervalMs = intervalMs
        timer = try LoopTimer(loop: loop)
        lastFiredNanos = uv_hrtime()
        timer.start(afterMs: intervalMs, repeatMs: intervalMs) { [unowned self] in fired() }
    }

    /// The largest lateness since the previous call (or since the start), then starts over.
    func takeMaxMicros() -> UInt64 {
        defer { maxMicros = 0 }
        return max(maxMicros, currentMicros)
    }

    private func fired() {
        let now = uv_hrtime()
        let dueNanos = lastFiredNanos &+ intervalMs * 1_000_000
        currentMicros = now > dueNanos ? (now - dueNanos) / 1_000 : 0
        maxMicros = max(maxMicros, currentMicros)
        lastFiredNanos = now
    }

    func close() { timer.close() }
}
