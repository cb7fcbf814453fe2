/// Caps how many bytes of large referenced payloads (cached registry documents) the loop hands to the
/// kernel per millisecond tick while other answers compete for the loop. The kernel copy of a write runs on
/// the loop thread, so without a cap fifty readers of a 4 MB document fill every loop turn with copying and
/// heartbeats wait behind them. Streams over budget are flushed again on a later turn, in arrival order;
/// small answers are never held back.
///
/// Adaptive (issue 19): the cap applies only within `contendedTicks` ticks of a small answer (`noteSmallWrite`,
/// what heartbeats and other short requests produce). When the loop serves bulk writes alone, they go as fast as
/// the sockets take them: a fixed cap paced fetches at 0.15x nginx.
final class BulkWriteBudget {
    static let defaultBytesPerTick = 512 * 1024
    /// Heartbeat clients go quiet for a millisecond or two now and then (their process is not scheduled, a burst
    /// was just answered); with the cap lifted after one quiet tick, such a gap let one loop iteration complete 36
    /// bulk slices (4.6 MB, 1.8 ms of CPU) that the next heartbeats then waited behind (issue 19's loop profile).
    /// Ten ticks of memory bridge those gaps; a loop serving bulk writes alone is uncapped 10 ms after its last
    /// small answer.
    static let defaultContendedTicks: UInt64 = 10

    private unowned let loop: EventLoop
    private let bytesPerTick: Int
    private let contendedTicks: UInt64
    /// The loop's millisecond tick (`uv_now`); tests inject their own.
    private let now: () -> UInt64
    private var tick: UInt64 = 0
    private var remaining = 0
    private var waiting: [TCPStream] = []
    private let timer: LoopTimer
    /// The last tick a small answer was written in; 0: never.
    private var lastSmallWriteTick: UInt64 = 0

    /// Streams holding large output back until a later tick: how far bulk writes are behind.
    var backlog: Int { waiting.count }

    /// A write carrying no large payload: something other than bulk output is being served.
    /// On the heartbeat path, so one store: the tick is read by the next `admit` (bulk writes in flight ask every
    /// slice, so it is the tick of the write or close to it; after a long bulk-free spell it may be later, which
    /// only caps the next fetch for `contendedTicks` more).
    @inline(__always)
    func noteSmallWrite() { smallWriteSinceAdmit = true }

    /// A small answer written since the last `admit` (read by tests).
    private(set) var smallWriteSinceAdmit = false

    /// Whether small answers competed in this tick or one of the `contendedTicks` before.
    private func isContended(at now: UInt64) -> Bool {
        if smallWriteSinceAdmit {
            smallWriteSinceAdmit = false
            lastSmallWriteTick = now
        }
        return lastSmallWriteTick != 0 && now &- lastSmallWriteTick <= contendedTicks
    }

    /// `now`: nil reads the loop's tick.
    init(loop: EventLoop, bytesPerTick: Int = defaultBytesPerTick, contendedTicks: UInt64 = defaultContendedTicks,
         now: (() -> UInt64)? = nil) throws(UVError) {
        self.loop = loop
        self.bytesPerTick = bytesPerTick
        self.contendedTicks = contendedTicks
        self.now = now ?? { [unowned loop] in loop.nowMillis }
        timer = try LoopTimer(loop: loop)
    }

    /// Whether a slice of `bytes` may be written now; if not, `stream` is flushed again later.
    func admit(_ bytes: Int, for stream: TCPStream) -> Bool {
        let now = now()
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
