import CLibUV
import Synchronization

/// What another thread may ask of the loop.
enum LoopMessage: Sendable {
    case stop
    /// Runs on the loop thread with the mailbox's owner (the node) as argument.
    case withOwner(@Sendable (AnyObject) -> Void)
}

/// `post` is safe from any thread; everything else runs on the loop. uv_async_send coalesces
/// wake-ups, so one callback drains the whole inbox. Closed through LoopHandle. @unchecked Sendable:
/// the uv_async_t is only touched by uv_async_send (thread-safe by libuv's contract) off the loop, the
/// inbox is behind a Mutex, and LoopHandle's own state is touched on the loop thread only.
final class LoopMailbox: LoopHandle, @unchecked Sendable {
    private let inbox = Mutex<(messages: [LoopMessage], closed: Bool)>(([], false))
    private let receive: (LoopMessage) -> Void

    /// Called on the loop thread. Throws when the loop cannot make the wake-up descriptor.
    init(loop: EventLoop, receive: @escaping (LoopMessage) -> Void) throws(UVError) {
        self.receive = receive
        try super.init(loop: loop, kind: .mailbox, uv_async_t.self) { async in
            uv_async_init(loop.raw, async) { a in
                let mailbox = owner(of: a, as: LoopMailbox.self)
                let messages = mailbox.inbox.withLock { state in
                    defer { state.messages.removeAll() }
                    return state.messages
                }
                if mailbox.loop.isProfiling, let profile = mailbox.loop.profile {
                    profile.measure("mailbox") { messages.forEach(mailbox.receive) }
                    return
                }
                messages.forEach(mailbox.receive)  // outside the lock: a receiver may post again
            }
        }
    }

    /// Safe from any thread. Returns false, dropping the message, once the mailbox is closed.
    @discardableResult
    func post(_ message: LoopMessage) -> Bool {
        // The send happens under the lock so it can never race with close() handing the handle to uv_close.
        inbox.withLock { state in
            guard !state.closed else { return false }
            state.messages.append(message)
            uv_async_send(raw(as: uv_async_t.self))
            return true
        }
    }

    /// After this no thread reaches uv_async_send, so uv_close may follow. Messages accepted but not yet
    /// received are received now: a sender that was told `true` may be waiting for its message to run.
    override func willClose() {
        let undelivered = inbox.withLock { state in
            state.closed = true
            defer { state.messages.removeAll() }
            return state.messages
        }
        undelivered.forEach(receive)
    }
}
