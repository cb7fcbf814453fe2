import CLibUV
import Synchronization

/// What another thread may ask of the loop.
public enum LoopMessage: Sendable {
    case stop
    /// Runs on the loop thread with the mailbox's owner (the node) as argument.
    case withOwner(@Sendable (AnyObject) -> Void)
}

/// `post` is safe from any thread; everything else runs on the loop. uv_async_send coalesces
/// wake-ups, so one callback drains the whole inbox. @unchecked Sendable: the uv_async_t is only
/// touched by uv_async_send (thread-safe by libuv's contract) off the loop, the inbox is behind a Mutex.
public final class LoopMailbox: @unchecked Sendable {
    private let async = UnsafeMutablePointer<uv_async_t>.allocate(capacity: 1)
    private let inbox = Mutex<(messages: [LoopMessage], closed: Bool)>(([], false))
    private let receive: (LoopMessage) -> Void

    /// Called on the loop thread.
    init(loop: EventLoop, receive: @escaping (LoopMessage) -> Void) {
        self.receive = receive
        uv_async_init(loop.raw, async) { a in
            let mailbox = owner(of: a, as: LoopMailbox.self)
            let messages = mailbox.inbox.withLock { state in
                defer { state.messages.removeAll() }
                return state.messages
            }
            messages.forEach(mailbox.receive)  // outside the lock: a receiver may post again
        }
        async.pointee.data = Unmanaged.passRetained(self).toOpaque()
    }

    deinit { async.deallocate() }

    /// Safe from any thread. Messages posted after close() are dropped.
    public func post(_ message: LoopMessage) {
        // The send happens under the lock so it can never race with close() freeing the handle.
        inbox.withLock { state in
            guard !state.closed else { return }
            state.messages.append(message)
            uv_async_send(async)
        }
    }

    /// Loop thread only. After this the handle no longer keeps the loop alive.
    func close() {
        let first = inbox.withLock { state in
            defer { state.closed = true }
            return !state.closed
        }
        guard first else { return }
        uv_close(asHandle(async)) { h in
            Unmanaged<LoopMailbox>.fromOpaque(uv_handle_get_data(h)!).release()
        }
    }
}
