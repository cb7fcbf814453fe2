import CLibUV
import Glibc

/// SIGINT and SIGTERM delivered on the loop thread (libuv turns the signal into a loop event),
/// so the stop logic needs no async-signal-safety.
final class SignalWatcher {
    private var handles: [SignalHandle] = []

    init(loop: EventLoop, _ action: @escaping (Int32) -> Void) throws(UVError) {
        // A parent may have spawned us with these blocked (the mask survives exec); unblock them or
        // the stop signal would never arrive.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        sigaddset(&unblock, SIGINT)
        sigaddset(&unblock, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
        do throws(UVError) {
            for number in [SIGINT, SIGTERM] {
                handles.append(try SignalHandle(loop: loop, signal: number, action: action))
            }
        } catch {
            close()
            throw error
        }
    }

    func close() {
        handles.forEach { $0.close() }
        handles.removeAll()
    }
}

/// One uv_signal_t, closed through LoopHandle.
private final class SignalHandle: LoopHandle {
    private let action: (Int32) -> Void

    init(loop: EventLoop, signal: Int32, action: @escaping (Int32) -> Void) throws(UVError) {
        self.action = action
        try super.init(loop: loop, kind: .signal, uv_signal_t.self) { uv_signal_init(loop.raw, $0) }
        do throws(UVError) {
            try UVError.check(uv_signal_start(raw(as: uv_signal_t.self), { h, signum in
                owner(of: h, as: SignalHandle.self).action(signum)
            }, signal))
        } catch {
            close()
            throw error
        }
    }
}
