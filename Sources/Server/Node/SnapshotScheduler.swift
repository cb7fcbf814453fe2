import Glibc

/// When and how the node writes its warm-restart snapshot (docs/warm-restart.md). Loop-confined.
///
/// Every interval, if the registry changed since the last snapshot, and once at stop: the records are copied on
/// the loop a slice per turn (`recordsPerSlice`, so 100,000 instances never hold the loop for long), then encoded
/// and written atomically on the thread pool. One write at a time: a write due while one runs (copy or pool job)
/// is done once after it, however many came meanwhile.
final class SnapshotScheduler {
    struct Settings {
        var path: String
        /// 0: only at stop.
        var intervalMs: Int64
        /// `host:port` for the header.
        var node: String
        /// A slice ends after this many records or once it has run `sliceBudgetMicros`, whichever comes first,
        /// so a slow or busy machine gets smaller slices rather than longer ones. Half a millisecond, like the
        /// cache's snapshot slices (issue 19: heartbeat p99.9 under load is a few milliseconds, so a 2 ms slice
        /// alone would be most of it).
        var recordsPerSlice = 500
        var sliceBudgetMicros = 500
        /// Records copied between two looks at the clock.
        var recordsPerCheck = 64
    }

    /// What one write did: the log line's fields, and the bench's figures.
    struct Report: Sendable, Equatable {
        var instances = 0
        var bytes = 0
        var slices = 0
        /// The longest single copy slice on the loop, wall clock (includes time the thread was not scheduled).
        var maxSliceMicros = 0
        /// The most CPU time the loop thread spent in one slice.
        var maxSliceCPUMicros = 0
        /// First slice to last, on the loop (other work runs between slices).
        var copyMicros = 0
        /// Encoding and file I/O on the pool.
        var encodeMicros = 0
        var writeMicros = 0
        var error: String?
    }

    private let settings: Settings
    private let registry: InstanceRegistry
    private let runner: OffLoopRunner
    private let time: TimeSource
    private let interval: Wakeup
    private let slices: Wakeup
    /// A change (4.12) since the last copy began.
    private var changed = false
    private var busy = false
    private var pending = false
    private var stopped = false
    /// Set by `stop`: called once the final write finished.
    private var whenStopped: (() -> Void)?
    /// Every finished write, on the loop (the node's log, tests).
    var onWritten: ((Report) -> Void)?

    init(settings: Settings, registry: InstanceRegistry, runner: OffLoopRunner, time: TimeSource,
         interval: Wakeup, slices: Wakeup) {
        self.settings = settings
        self.registry = registry
        self.runner = runner
        self.time = time
        self.interval = interval
        self.slices = slices
        armInterval()
    }

    /// From the node's event fan-out: heartbeats alone change nothing a snapshot holds (lease times are not restored).
    func heard(_ event: RegistryEvent) {
        if event.invalidates { changed = true }
    }

    private func armInterval() {
        guard settings.intervalMs > 0, !stopped else { return }
        interval.arm(afterMs: settings.intervalMs) { [unowned self] in
            if changed { request() }
            armInterval()
        }
    }

    /// Node stop, once it accepts no more writes: a final snapshot of what the registry holds now (after the one
    /// in flight, if any), then `done`. The wake-ups are closed when it is written.
    func stop(then done: @escaping () -> Void) {
        guard !stopped else { return done() }
        stopped = true
        interval.close()
        whenStopped = done
        request()
    }

    private func request() {
        guard !busy else {
            pending = true
            return
        }
        busy = true
        changed = false
        let copy = Copy(cursor: registry.startCopy(), started: Monotonic.micros())
        // Grown once here, not doubled (and moved) in the middle of a slice.
        copy.records.reserveCapacity(registry.instanceCount)
        copySlice(copy)
    }

    /// A copy in progress: a class, so the records array grows in place from slice to slice.
    private final class Copy {
        var cursor: RegistryCopyCursor
        var records: [PersistedRecord] = []
        var report = Report()
        let started: Int

        init(cursor: RegistryCopyCursor, started: Int) {
            self.cursor = cursor
            self.started = started
        }
    }

    private func copySlice(_ copy: Copy) {
        let start = Monotonic.micros()
        let cpuStart = threadCPUMicros()
        var end = start
        var finished = false
        var copied = 0
        while !finished, copied < settings.recordsPerSlice, end - start < settings.sliceBudgetMicros {
            let chunk = min(settings.recordsPerCheck, settings.recordsPerSlice - copied)
            finished = registry.copySlice(&copy.cursor, limit: chunk, into: &copy.records)
            copied += chunk
            end = Monotonic.micros()
        }
        copy.report.slices += 1
        copy.report.maxSliceMicros = max(copy.report.maxSliceMicros, end - start)
        copy.report.maxSliceCPUMicros = max(copy.report.maxSliceCPUMicros, threadCPUMicros() - cpuStart)
        guard finished else {
            // 1 ms, not 0: libuv runs a timer re-armed at 0 from its own callback again in the same pass over the
            // timers, before polling for I/O, so a 0 ms chain would copy everything in one loop turn after all.
            slices.arm(afterMs: 1) { [unowned self] in copySlice(copy) }
            return
        }
        copy.report.copyMicros = end - copy.started
        write(RecordsHandOff(taking: &copy.records), report: copy.report)
    }

    private func write(_ handOff: RecordsHandOff, report: Report) {
        let createdAt = time.nowMillis()
        let node = settings.node
        let path = settings.path
        runner.run({ () -> Report in
            // Taken out of the box here, so the 100,000 copies are also freed here and not on the loop.
            let snapshot = Snapshot(createdAt: createdAt, node: node, records: handOff.take())
            var report = report
            report.instances = snapshot.records.count
            let start = Monotonic.micros()
            let bytes = SnapshotFormat.encode(snapshot)
            let encoded = Monotonic.micros()
            report.error = SnapshotFile.write(bytes, to: path)
            report.encodeMicros = encoded - start
            report.writeMicros = Monotonic.micros() - encoded
            report.bytes = bytes.count
            return report
        }, then: { [unowned self] report in
            busy = false
            if report.error != nil { changed = true }  // the file on disk is older than the registry: try again
            onWritten?(report)
            if pending {
                pending = false
                request()
            } else if let done = whenStopped {
                whenStopped = nil
                slices.close()
                done()
            }
        })
    }
}

/// Moves the copied records to the pool thread that encodes them, so that their release (a reference count per
/// string of every record) happens there too: the pool job itself is released on the loop. The loop puts the
/// records in before the job is queued and never touches the box again; libuv's queue hand-off orders the two.
private final class RecordsHandOff: @unchecked Sendable {
    private var records: [PersistedRecord]

    /// Leaves `source` empty: the box holds the only reference.
    init(taking source: inout [PersistedRecord]) {
        records = []
        swap(&records, &source)
    }

    func take() -> [PersistedRecord] {
        defer { records = [] }
        return records
    }
}

/// CPU time of the calling thread: what a slice cost the loop, apart from time the thread waited for a core.
private func threadCPUMicros() -> Int {
    var spec = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
    return spec.tv_sec * 1_000_000 + spec.tv_nsec / 1_000
}
