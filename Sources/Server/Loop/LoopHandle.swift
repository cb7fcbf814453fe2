import CLibUV

/// One libuv handle and the Swift object that owns it, closed in one place (libuv docs/src/handle.rst):
/// - the handle memory belongs to this object and is freed in `deinit`;
/// - `handle->data` holds a +1 on the object from init to the close callback, so the object cannot die
///   while libuv still knows the handle, and libuv's last touch comes before the free;
/// - `close()` is the only path to `uv_close`, and is idempotent (a second `uv_close` is undefined behaviour);
///   it is safe inside the handle's own callbacks, since the close callback comes on a later turn;
/// - the loop counts handles opened and closed per kind, so a test can prove none was left open.
/// Non-generic, because a C callback cannot capture a generic parameter. Public only because the
/// Sendable LoopMailbox (public) derives from it; nothing of it is public.
class LoopHandle {
    /// What the loop counts handles by (uvloop keeps per-class counters): a leak names its owner.
    enum Kind: Int, CaseIterable, CustomStringConvertible {
        case stream, listener, timer, mailbox, signal, phaseWatch

        var description: String {
            switch self {
            case .stream: "stream"
            case .listener: "listener"
            case .timer: "timer"
            case .mailbox: "mailbox"
            case .signal: "signal"
            case .phaseWatch: "phase watch"
            }
        }
    }

    /// The uv_*_t, re-typed: every handle struct starts with uv_handle_t's fields.
    final let handle: UnsafeMutablePointer<uv_handle_t>
    /// The loop outlives every handle on it (an owned loop runs the close callbacks in its deinit; a
    /// borrowed one refuses to die with a handle open), hence unowned(unsafe): no refcount traffic on the hot path.
    final unowned(unsafe) let loop: EventLoop
    final let kind: Kind
    /// Set by the first close(); code after a callback that may have closed checks it.
    @exclusivity(unchecked) final private(set) var isClosing = false

    /// Allocates the handle and runs its `uv_*_init`. A failed init throws before the object exists:
    /// nothing was retained and libuv never saw the memory, so it is simply freed.
    init<Handle>(loop: EventLoop, kind: Kind, _: Handle.Type,
                 initialize: (UnsafeMutablePointer<Handle>) -> Int32) throws(UVError) {
        let typed = UnsafeMutablePointer<Handle>.allocate(capacity: 1)
        let rc = initialize(typed)
        guard rc >= 0 else {
            typed.deallocate()
            throw UVError(code: rc)
        }
        handle = .init(OpaquePointer(typed))
        self.loop = loop
        self.kind = kind
        uv_handle_set_data(handle, Unmanaged.passRetained(self).toOpaque())
        loop.handleOpened(kind)
    }

    /// Reached only after the close callback let go of the +1.
    deinit { UnsafeMutableRawPointer(handle).deallocate() }

    /// The handle as its own C type (the type it was initialised as).
    @inline(__always)
    final func raw<Handle>(as _: Handle.Type) -> UnsafeMutablePointer<Handle> { .init(OpaquePointer(handle)) }

    /// Stops libuv from using the handle; the object goes once the close callback ran.
    final func close() {
        guard !isClosing else { return }
        isClosing = true
        willClose()
        uv_close(handle) { handle in
            // libuv has run every cancelled request's callback and will not touch the handle again.
            let object = Unmanaged<LoopHandle>.fromOpaque(uv_handle_get_data(handle)!).takeRetainedValue()
            // Held to the end: the idle action (a stopped node's last callback) may drop every other reference.
            let loop: EventLoop = object.loop
            withExtendedLifetime(loop) {
                loop.handleClosed(object.kind)
                if loop.isProfiling, let profile = loop.profile {
                    profile.measure("close \(object.kind)") { object.didClose() }
                } else {
                    object.didClose()
                }
                loop.runIdleActionIfIdle()
            }
        }
    }

    /// Lets the loop exit while this is the only thing left (background housekeeping).
    final func unref() { uv_unref(handle) }

    /// Subclass hook, once, just before `uv_close`: drop what callbacks would have used.
    func willClose() {}

    /// Subclass hook, once, in the close callback: tell the owner. The object may go right after it.
    func didClose() {}
}
