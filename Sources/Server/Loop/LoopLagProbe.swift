import Glibc

/// How long callbacks hold the loop (issue #18): a repeating timer that notes, at each firing, how late it fired
/// (wall-clock lag: what every timer and client waiting on the loop suffers) and how much CPU the loop thread used
/// since the previous firing (busy time: the work of the callbacks in between, which other processes on the machine
/// cannot inflate). One callback holding the loop for S ms shows as a lag of at least S minus the interval and as a
/// busy time of at least S. Self-contained: the metrics render its readings, an overload guard may read them too.
/// Loop thread only.
final class LoopLagProbe {
    /// Upper bounds (seconds) of the lag histogram's buckets, Prometheus style (cumulative when rendered).
    static let bucketBounds: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

    struct Reading: Sendable, Equatable {
        /// Firings whose lag fell at or below each bound of `bucketBounds` (not cumulative), plus one past the last.
        var bucketCounts = [Int](repeating: 0, count: LoopLagProbe.bucketBounds.count + 1)
        /// The same for busy time (loop-thread CPU between two firings).
        var busyBucketCounts = [Int](repeating: 0, count: LoopLagProbe.bucketBounds.count + 1)
        var busySumMicros = 0
        var count = 0
        var sumMicros = 0
        var maxLagMicros = 0
        var maxBusyMicros = 0
        /// The latest firing's lag: what an admission guard compares with its limit.
        var lastLagMicros = 0
    }

    let intervalMs: UInt64
    private let timer: LoopTimer
    private var previousFireMicros = 0
    private var previousCPUMicros = 0
    private(set) var reading = Reading()

    init(loop: EventLoop, intervalMs: UInt64 = 5) throws(UVError) {
        self.intervalMs = max(1, intervalMs)
        timer = try LoopTimer(loop: loop)
    }

    func start() {
        previousFireMicros = Self.monotonicMicros()
        previousCPUMicros = Self.threadCPUMicros()
        timer.start(afterMs: intervalMs, repeatMs: intervalMs) { [unowned self] in fired() }
    }

    func close() { timer.close() }

    /// Starts a fresh maximum (a test measuring one phase; the histogram keeps counting).
    func resetMaxima() {
        reading.maxLagMicros = 0
        reading.maxBusyMicros = 0
    }

    private func fired() {
        let now = Self.monotonicMicros()
        let cpu = Self.threadCPUMicros()
        let lag = max(0, now - previousFireMicros - Int(intervalMs) * 1_000)
        let busy = max(0, cpu - previousCPUMicros)
        previousFireMicros = now
        previousCPUMicros = cpu
        record(lagMicros: lag, busyMicros: busy)
    }

    func record(lagMicros lag: Int, busyMicros busy: Int) {
        reading.bucketCounts[Self.bucket(micros: lag)] += 1
        reading.busyBucketCounts[Self.bucket(micros: busy)] += 1
        reading.busySumMicros += busy
        reading.count += 1
        reading.sumMicros += lag
        reading.lastLagMicros = lag
        reading.maxLagMicros = max(reading.maxLagMicros, lag)
        reading.maxBusyMicros = max(reading.maxBusyMicros, busy)
    }

    private static func bucket(micros: Int) -> Int {
        let seconds = Double(micros) / 1_000_000
        return bucketBounds.firstIndex { seconds <= $0 } ?? bucketBounds.count
    }

    private static func monotonicMicros() -> Int {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return spec.tv_sec * 1_000_000 + spec.tv_nsec / 1_000
    }

    /// CPU time of the calling thread: the loop's, since the probe fires on it.
    static func threadCPUMicros() -> Int {
        var spec = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
        return spec.tv_sec * 1_000_000 + spec.tv_nsec / 1_000
    }
}
