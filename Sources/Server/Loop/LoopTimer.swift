import CLibUV

/// One uv_timer_t. The handle holds a +1 on this object from init to the close callback, and the
/// object keeps `action` alive until close(): callers capture what they need unowned.
final class LoopTimer {
    private let timer = UnsafeMutablePointer<uv_timer_t>.allocate(capacity: 1)
    private var action: (() -> Void)?
    private var isClosing = false

    init(loop: EventLoop) {
        uv_timer_init(loop.raw, timer)
        timer.pointee.data = Unmanaged.passRetained(self).toOpaque()
    }

    deinit { timer.deallocate() }

    /// `repeatMs` 0 fires once. Restarting replaces the previous schedule and action.
    func start(afterMs: UInt64, repeatMs: UInt64, _ action: @escaping () -> Void) {
        guard !isClosing else { return }
        self.action = action
        uv_timer_start(timer, { t in
            owner(of: t, as: LoopTimer.self).action?()
        }, afterMs, repeatMs)
    }

    func stop() { if !isClosing { uv_timer_stop(timer) } }

    /// Lets the loop exit while this timer is the only thing left (background housekeeping).
    func unref() { uv_unref(asHandle(timer)) }

    func close() {
        guard !isClosing else { return }
        isClosing = true
        action = nil
        uv_close(asHandle(timer)) { handle in
            Unmanaged<LoopTimer>.fromOpaque(uv_handle_get_data(handle)!).release()
        }
    }
}
