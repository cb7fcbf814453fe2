import CLibUV

/// One uv_timer_t (closed through LoopHandle). The object keeps `action` alive until close():
/// callers capture what they need unowned.
final class LoopTimer: LoopHandle {
    private var action: (() -> Void)?

    init(loop: EventLoop) throws(UVError) {
        try super.init(loop: loop, kind: .timer, uv_timer_t.self) { uv_timer_init(loop.raw, $0) }
    }

    private var timer: UnsafeMutablePointer<uv_timer_t> { raw(as: uv_timer_t.self) }

    /// `repeatMs` 0 fires once. Restarting replaces the previous schedule and action.
    func start(afterMs: UInt64, repeatMs: UInt64, _ action: @escaping () -> Void) {
        guard !isClosing else { return }
        self.action = action
        uv_timer_start(timer, { t in
            owner(of: t, as: LoopTimer.self).action?()
        }, afterMs, repeatMs)
    }

    func stop() { if !isClosing { uv_timer_stop(timer) } }

    /// The action may hold its owner strongly (a one-shot timer that closes itself): let it go now.
    override func willClose() { action = nil }
}
