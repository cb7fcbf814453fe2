/// Long-poll delta requests held until a change or their timeout (docs/change-stream.md). One timer for all of
/// them, ticking only while some are held: 10,000 held requests are 10,000 entries, not 10,000 timers.
/// Loop thread only.
final class HeldPolls {
    private struct Held {
        let reply: PendingReply
        let deadline: UInt64
        let answer: (PendingReply) -> Void
    }

    private unowned let loop: EventLoop
    private let timer: LoopTimer
    private var held: [ObjectIdentifier: Held] = [:]
    private var ticking = false
    /// Timeouts are checked this often: a held request is answered at most this late.
    static let tickMs: UInt64 = 50

    init(loop: EventLoop) throws(UVError) {
        self.loop = loop
        timer = try LoopTimer(loop: loop)
    }

    var count: Int { held.count }

    /// Holds `reply` until `answerAll` or `timeoutMs`; then `answer` completes it. A client leaving first cancels
    /// the reply, which drops it from here.
    func hold(_ reply: PendingReply, timeoutMs: UInt64, answer: @escaping (PendingReply) -> Void) {
        let key = ObjectIdentifier(reply)
        held[key] = Held(reply: reply, deadline: loop.nowMillis + timeoutMs, answer: answer)
        reply.hold { [weak self] in self?.held[key] = nil }
        guard !ticking else { return }
        ticking = true
        timer.start(afterMs: Self.tickMs, repeatMs: Self.tickMs) { [unowned self] in expire() }
    }

    /// A change arrived: every held request is answered (each waited for a sequence older than it).
    func answerAll() {
        guard !held.isEmpty else { return }
        let all = held.values
        held = [:]
        stopTickingIfEmpty()
        for entry in all { entry.answer(entry.reply) }
    }

    private func expire() {
        let now = loop.nowMillis
        let due = held.filter { $0.value.deadline <= now }
        for key in due.keys { held[key] = nil }
        stopTickingIfEmpty()
        for entry in due.values { entry.answer(entry.reply) }
    }

    private func stopTickingIfEmpty() {
        guard held.isEmpty, ticking else { return }
        ticking = false
        timer.stop()
    }

    /// Node stop: what is held is answered now, and the timer closes.
    func stop() {
        answerAll()
        timer.close()
    }
}
