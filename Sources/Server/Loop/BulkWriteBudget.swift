/// Caps how many bytes of large referenced payloads (cached registry documents) the loop hands to the
/// kernel per millisecond tick while other answers compete for the loop. The kernel copy of a write runs on
/// the loop thread, so without a cap fifty readers of a 4 MB document fill every loop turn with copying and
/// heartbeats wait behind them. Streams over budget are flushed again on a later turn, in arrival order;
/// small answers are never held back.
///
/// Adaptive (issue 19): the cap applies only in a tick in which, or right after one in which, a small answer
/// was written (`noteSmallWrite`, what heartbeats and other short requests produce). When the loop serves
/// bulk writes alone, they go as fast as the sockets take them: a fixed cap paced fetches at 0.15x nginx.
final class BulkWriteBudget {
    static let defaultBytesPerTick = 512 * 1024

    private unowned let loop: EventLoop
    private let bytesPerTick: Int
    private var tick: UInt64 = 0
    private var remaining = 0
    private var waiting: [TCPStream] = []
    private let timer: LoopTimer
    /// The last tick a small answer was written in; 0: never.
    private var lastSmallWriteTick: UInt64 = 0

    /// Streams holding large output back until a later tick: how far bulk writes are behind.
    var backlog: Int { waiting.count }

    /// A write carrying no large payload: something other than bulk output is being served.
    @inline(__always)
    func noteSmallWrite() { lastSmallWriteTick = loop.nowMillis }

    /// Whether small answers competed in this tick or the one before.
    private func isContended(at now: UInt64) -> Bool {
        lastSmallWriteTick != 0 && now &- lastSmallWriteTick <= 1
    }

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
        if !isContended(at: now) { return true }
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
