import CLibUV

/// One uv_timer_t (closed through LoopHandle). The object keeps `action` alive until close():
/// callers capture what they need unowned.
final class LoopTimer: LoopHandle {
    private var action: (() -> Void)?
    /// Where the timer was made: what LoopProfile names its firings by.
    private let site: StaticString
    private let line: UInt

    init(loop: EventLoop, site: StaticString = #fileID, line: UInt = #line) throws(UVError) {
        self.site = site
        self.line = line
        try super.init(loop: loop, kind: .timer, uv_timer_t.self) { uv_timer_init(loop.raw, $0) }
    }

    private var timer: UnsafeMutablePointer<uv_timer_t> { raw(as: uv_timer_t.self) }

    /// `repeatMs` 0 fires once. Restarting replaces the previous schedule and action.
    func start(afterMs: UInt64, repeatMs: UInt64, _ action: @escaping () -> Void) {
        guard !isClosing else { return }
        self.action = action
        uv_timer_start(timer, { t in
            let timer = owner(of: t, as: LoopTimer.self)
            if timer.loop.isProfiling, let profile = timer.loop.profile {
                profile.measure("timer \(timer.site):\(timer.line)") { timer.action?() }
            } else {
                timer.action?()
            }
        }, afterMs, repeatMs)
    }

    func stop() { if !isClosing { uv_timer_stop(timer) } }

    /// The action may hold its owner strongly (a one-shot timer that closes itself): let it go now.
    override func willClose() { action = nil }
}
