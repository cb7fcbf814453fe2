import CLibUV
import Glibc

/// Bench/debug only (`eureka.node.loop-profile-path`, issue 19): the loop thread's CPU time
/// (CLOCK_THREAD_CPUTIME_ID, which other processes on the machine cannot inflate, unlike wall-clock lag) per
/// callback kind. Each callback of ours is measured by its entry point (timers by the file and line that made
/// them, stream reads, write completions, pool jobs' after-work by the label their submitter gave, the mailbox,
/// accepts, close callbacks); what libuv does between them (epoll, the rest of a partial write on POLLOUT,
/// running the timer heap) is measured per loop phase by a prepare and a check handle and reported as the
/// unattributed remainder. Off by default: the entry points then pay one load and one branch.
/// Loop thread only.
final class LoopProfile {
    struct Tally: Sendable, Equatable {
        var count = 0
        var cpuNanos = 0
        var maxCPUNanos = 0
    }

    /// One callback at or above `longNanos`: when (CLOCK_MONOTONIC), what, how much CPU.
    struct Event: Sendable, Equatable {
        var monotonicMicros: Int
        var label: String
        var cpuNanos: Int
    }

    /// Callbacks of at least this much CPU are also kept one by one (bounded by `maxEvents`).
    let longNanos: Int
    static let maxEvents = 100_000
    private(set) var tallies: [String: Tally] = [:]
    private(set) var events: [Event] = []
    /// Loop iterations (one prepare mark to the next: the poll's callbacks, then the next turn's timers and pool
    /// completions) whose CPU reached `longIterationNanos`, labelled with what ran in them. The lag probe waits for a
    /// whole iteration, so its maximum can be the sum of many short callbacks that no single event shows.
    let longIterationNanos: Int
    private(set) var iterations: [Event] = []
    private(set) var iterationTally = Tally()
    private var iterationStartCPU = 0
    /// Per label, the callbacks of the current iteration and their CPU.
    private var iterationParts: [String: Tally] = [:]
    /// CPU counted by callbacks since the last phase mark: subtracted from the phase's CPU.
    private var attributedSinceMark = 0
    private var markCPU = 0
    private var phaseMarks: (prepare: LoopPhasePrepare, check: LoopPhaseCheck)?

    static let pollRemainder = "libuv poll phase (epoll, stream I/O outside our callbacks)"
    static let otherRemainder = "libuv other phases (timer heap, pending queue, closing)"

    /// Iterations from 1 ms: heartbeat p99.9 under load is 2-3 ms, so the iterations its slowest answers waited
    /// behind are mostly 1-2 ms ones (bench/stall.py matches them by time).
    init(longNanos: Int = 500_000, longIterationNanos: Int = 1_000_000) {
        self.longNanos = longNanos
        self.longIterationNanos = longIterationNanos
        markCPU = Self.threadCPUNanos()
        iterationStartCPU = markCPU
    }

    /// Starts the per-phase accounting of `loop`'s own work (prepare before the poll, check after it).
    func watchPhases(of loop: EventLoop) throws(UVError) {
        let prepare = try LoopPhasePrepare(loop: loop, profile: self)
        do {
            phaseMarks = (prepare, try LoopPhaseCheck(loop: loop, profile: self))
        } catch {
            prepare.close()
            throw error
        }
    }

    func close() {
        phaseMarks?.prepare.close()
        phaseMarks?.check.close()
        phaseMarks = nil
    }

    @inline(__always)
    func begin() -> Int { Self.threadCPUNanos() }

    /// `detail` names a long callback's event more precisely (a read's first bytes), never its tally.
    func end(_ label: @autoclosure () -> String, since start: Int, detail: (() -> String)? = nil) {
        let cpu = Self.threadCPUNanos() - start
        attributedSinceMark += cpu
        note(label(), cpu: cpu, detail: detail)
    }

    /// Runs `body` measured under `label`.
    @inline(__always)
    func measure<T>(_ label: @autoclosure () -> String, _ body: () -> T) -> T {
        let start = begin()
        defer { end(label(), since: start) }
        return body()
    }

    /// A phase boundary: what the thread used since the previous one, minus our callbacks, is libuv's own.
    func phaseBoundary(closingPoll: Bool) {
        let now = Self.threadCPUNanos()
        let remainder = max(0, now - markCPU - attributedSinceMark)
        note(closingPoll ? Self.pollRemainder : Self.otherRemainder, cpu: remainder)
        markCPU = now
        attributedSinceMark = 0
        if !closingPoll { endIteration(cpu: now - iterationStartCPU, at: now) }
    }

    /// The prepare mark: the iteration that began at the previous one ends.
    func endIteration(cpu: Int, at now: Int) {
        iterationTally.count += 1
        iterationTally.cpuNanos += cpu
        iterationTally.maxCPUNanos = max(iterationTally.maxCPUNanos, cpu)
        if cpu >= longIterationNanos, iterations.count < Self.maxEvents {
            iterations.append(Event(monotonicMicros: Self.monotonicMicros(), label: Self.describe(iterationParts), cpuNanos: cpu))
        }
        iterationStartCPU = now
        iterationParts.removeAll(keepingCapacity: true)
    }

    /// `label xcount ms; ...`, the largest shares first (at most six).
    static func describe(_ parts: [String: Tally]) -> String {
        parts.sorted { $0.value.cpuNanos > $1.value.cpuNanos }.prefix(6).map { label, part in
            "\(label) x\(part.count) \(Double(part.cpuNanos / 10_000) / 100) ms"
        }.joined(separator: "; ")
    }

    func note(_ label: String, cpu: Int, detail: (() -> String)? = nil) {
        iterationParts[label, default: Tally()].count += 1
        iterationParts[label]!.cpuNanos += cpu
        tallies[label, default: Tally()].count += 1
        tallies[label]!.cpuNanos += cpu
        tallies[label]!.maxCPUNanos = max(tallies[label]!.maxCPUNanos, cpu)
        if cpu >= longNanos, events.count < Self.maxEvents {
            let named = detail.map { "\(label) \($0())" } ?? label
            events.append(Event(monotonicMicros: Self.monotonicMicros(), label: named, cpuNanos: cpu))
        }
    }

    /// The first line of some bytes (a request line), at most 48 printable ASCII characters: what a long read was.
    static func firstLine(_ bytes: UnsafeRawBufferPointer) -> String {
        let line = bytes.prefix(48).prefix { $0 != 13 && $0 != 10 }
        return String(decoding: line.map { (32...126).contains($0) && $0 != 9 ? $0 : 63 }, as: UTF8.self)
    }

    /// Tab-separated: `tally<TAB>label<TAB>count<TAB>cpu ns<TAB>max cpu ns`, then
    /// `event<TAB>monotonic us<TAB>label<TAB>cpu ns` for each long callback in order, then
    /// `iterations<TAB>count<TAB>cpu ns<TAB>max cpu ns` and `iteration<TAB>monotonic us<TAB>parts<TAB>cpu ns` for each
    /// long iteration.
    func report() -> String {
        var lines = tallies.sorted { $0.value.maxCPUNanos > $1.value.maxCPUNanos }.map { label, tally in
            "tally\t\(label)\t\(tally.count)\t\(tally.cpuNanos)\t\(tally.maxCPUNanos)"
        }
        lines += events.map { "event\t\($0.monotonicMicros)\t\($0.label)\t\($0.cpuNanos)" }
        lines.append("iterations\t\(iterationTally.count)\t\(iterationTally.cpuNanos)\t\(iterationTally.maxCPUNanos)")
        lines += iterations.map { "iteration\t\($0.monotonicMicros)\t\($0.label)\t\($0.cpuNanos)" }
        return lines.joined(separator: "\n") + "\n"
    }

    static func threadCPUNanos() -> Int {
        var spec = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
        return spec.tv_sec * 1_000_000_000 + spec.tv_nsec
    }

    static func monotonicMicros() -> Int {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return spec.tv_sec * 1_000_000 + spec.tv_nsec / 1_000
    }
}

/// A uv_prepare_t, run just before the loop polls: a phase mark of LoopProfile. Unref'd, so it never keeps a loop
/// running.
final class LoopPhasePrepare: LoopHandle {
    private unowned let profile: LoopProfile

    init(loop: EventLoop, profile: LoopProfile) throws(UVError) {
        self.profile = profile
        try super.init(loop: loop, kind: .phaseWatch, uv_prepare_t.self) { uv_prepare_init(loop.raw, $0) }
        uv_prepare_start(raw(as: uv_prepare_t.self)) { p in
            owner(of: p, as: LoopPhasePrepare.self).profile.phaseBoundary(closingPoll: false)
        }
        unref()
    }

    override func willClose() { uv_prepare_stop(raw(as: uv_prepare_t.self)) }
}

/// A uv_check_t, run just after the poll: the other phase mark.
final class LoopPhaseCheck: LoopHandle {
    private unowned let profile: LoopProfile

    init(loop: EventLoop, profile: LoopProfile) throws(UVError) {
        self.profile = profile
        try super.init(loop: loop, kind: .phaseWatch, uv_check_t.self) { uv_check_init(loop.raw, $0) }
        uv_check_start(raw(as: uv_check_t.self)) { c in
            owner(of: c, as: LoopPhaseCheck.self).profile.phaseBoundary(closingPoll: true)
        }
        unref()
    }

    override func willClose() { uv_check_stop(raw(as: uv_check_t.self)) }
}
