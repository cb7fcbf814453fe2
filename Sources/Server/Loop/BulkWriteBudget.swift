/// Caps how many bytes of large referenced payloads (cached registry documents) the loop hands to the
/// kernel per millisecond tick. The kernel copy of a write runs on the loop thread, so without a cap fifty
/// readers of a 4 MB document fill every loop turn with copying and heartbeats wait behind them. Streams
/// over budget are flushed again on a later turn, in arrival order; small answers are never held back.
final class BulkWriteBudget {
    static let defaultBytesPerTick = 512 * 1024

    private unowned let loop: EventLoop
    private let bytesPerTick: Int
    private var tick: UInt64 = 0
    private var remaining = 0
    private var waiting: [TCPStream] = []
    private let timer: LoopTimer

    init(loop: EventLoop, bytesPerTick: Int = defaultBytesPerTick) throws(UVError) {
        self.loop = loop
        self.bytesPerTick = bytesPerTick
        timer = try LoopTimer(loop: loop)
    }

    /// Whether a slice of `bytes` may be written now; if not, `stream` is flushed again later.
    func admit(_ bytes: Int, for stream: TCPStream) -> Bool {
        let now = loop.nowMillis
        if now != tick {
            tick = now
            remaining = bytesPerTick
        }
        if remaining > 0 {
            remaining -= bytes
            return true
        }
        if waiting.isEmpty {
            timer.start(afterMs: 1, repeatMs: 0) { [unowned self] in resume() }
        }
        waiting.append(stream)
        return false
    }

    private func resume() {
        let streams = waiting
        waiting.removeAll(keepingCapacity: true)
        for stream in streams { stream.flush() }  // each asks admit() again; the rest waits another tick
    }

    func close() {
        waiting.removeAll()
        timer.close()
    }
}
