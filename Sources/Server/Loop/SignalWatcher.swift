import CLibUV
import Glibc

/// SIGINT and SIGTERM delivered on the loop thread (libuv turns the signal into a loop event),
/// so the stop logic needs no async-signal-safety.
final class SignalWatcher {
    private let signals = [UnsafeMutablePointer<uv_signal_t>.allocate(capacity: 1),
                           UnsafeMutablePointer<uv_signal_t>.allocate(capacity: 1)]
    private let action: (Int32) -> Void
    private var openHandles = 0

    init(loop: EventLoop, _ action: @escaping (Int32) -> Void) {
        self.action = action
        // A parent may have spawned us with these blocked (the mask survives exec); unblock them or
        // the stop signal would never arrive.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        sigaddset(&unblock, SIGINT)
        sigaddset(&unblock, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
        for (handle, number) in zip(signals, [SIGINT, SIGTERM]) {
            uv_signal_init(loop.raw, handle)
            handle.pointee.data = Unmanaged.passRetained(self).toOpaque()
            uv_signal_start(handle, { h, signum in owner(of: h, as: SignalWatcher.self).action(signum) }, number)
            openHandles += 1
        }
    }

    deinit { signals.forEach { $0.deallocate() } }

    func close() {
        for handle in signals where uv_is_closing(asHandle(handle)) == 0 {
            uv_close(asHandle(handle)) { h in
                Unmanaged<SignalWatcher>.fromOpaque(uv_handle_get_data(h)!).release()
            }
        }
    }
}
