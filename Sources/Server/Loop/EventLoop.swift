import CLibUV
import Glibc
import Synchronization

/// One uv_loop_t, run by exactly one thread. Everything that touches the registry or a socket runs
/// on that thread; other threads reach it only through `LoopMailbox`. Either the loop is ours (`init()`:
/// made, run and freed here) or a host's (`init(borrowing:)`: the host runs, closes and frees it, as in
/// h2o's `simple.c`; we only put handles on it and close them).
final class EventLoop {
    let raw: UnsafeMutablePointer<uv_loop_t>
    /// A host's loop: never run to completion, closed or freed here.
    let isBorrowed: Bool
    /// alloc and read callbacks run back to back on the loop thread and decoders copy what they keep,
    /// so every connection reads into this one slab: an idle socket costs no read memory.
    let readSlab: UnsafeMutableRawBufferPointer
    /// The loop thread's pthread_t (0: none yet). Atomic because C entry points check it from any thread.
    private let thread = Atomic<UInt>(0)
    /// uv_write_t is needed only from uv_write to its callback (one write in flight per stream), so streams
    /// borrow one here instead of owning one each: an idle keep-alive connection holds none (~200 bytes
    /// saved per connection at 19,000 connections). Bounded so a burst does not pin memory forever.
    @exclusivity(unchecked) private var spareWriteRequests: [UnsafeMutablePointer<uv_write_t>] = []
    private static let maxSpareWriteRequests = 1_024
    /// Output buffer memory likewise: a stream holds a buffer from its first queued byte until the write callback.
    @exclusivity(unchecked) private var spareBuffers: [(base: UnsafeMutablePointer<UInt8>, capacity: Int)] = []
    private static let maxSpareBuffers = 1_024
    private static let maxSpareBufferBytes = 64 * 1024
    /// Handles opened and closed (close callback ran) per LoopHandle.Kind: a test that ends with a
    /// difference left a handle open, and the kind names the owner that forgot it.
    @exclusivity(unchecked) private var opened = [Int](repeating: 0, count: LoopHandle.Kind.allCases.count)
    @exclusivity(unchecked) private var closed = [Int](repeating: 0, count: LoopHandle.Kind.allCases.count)
    /// libuv requests in flight that are not tied to one of our handles (pool jobs, name lookups): a loop with
    /// one of them cannot close, and its callback would reach objects of ours.
    private var requestsInFlight = 0
    /// Run once nothing of ours is left on the loop (`whenIdle`).
    private var idleAction: (() -> Void)?
    /// Bench/debug only (`eureka.node.loop-profile-path`): CPU per callback kind. Entry points test `isProfiling`
    /// first: a plain Bool load, where reading the optional reference costs a retain and a release per callback.
    @exclusivity(unchecked) var profile: LoopProfile? { didSet { isProfiling = profile != nil } }
    @exclusivity(unchecked) private(set) var isProfiling = false
    /// Set once uv_loop_close succeeded, so deinit does not close it again.
    private var isLoopClosed = false

    /// A loop of our own; its thread is the creating one until another calls `run()`. SIGPIPE is the host's
    /// business (the server's main.swift ignores it): a library must not change a process-wide signal disposition.
    init() throws(UVError) {
        raw = .allocate(capacity: 1)
        let rc = uv_loop_init(raw)
        if rc < 0 {
            raw.deallocate()
            throw UVError(code: rc)
        }
        isBorrowed = false
        thread.store(UInt(pthread_self()), ordering: .relaxed)
        readSlab = .allocate(byteCount: 64 * 1024, alignment: 16)
    }

    /// Attaches to a host's initialised loop. Call on the thread that runs it: that thread becomes the loop
    /// thread at once (`isOnLoopThread` holds without `run()`). The host must run its loop until every handle
    /// we opened has closed (`openHandleCount` 0) before releasing this object; then it may close its loop.
    init(borrowing loop: UnsafeMutablePointer<uv_loop_t>) {
        raw = loop
        isBorrowed = true
        thread.store(UInt(pthread_self()), ordering: .relaxed)
        readSlab = .allocate(byteCount: 64 * 1024, alignment: 16)
    }

    /// The same for a `uv_loop_t *` that reached us untyped (the C embedding API, which cannot name libuv's types).
    convenience init(borrowingUntyped loop: OpaquePointer) {
        self.init(borrowing: UnsafeMutablePointer<uv_loop_t>(loop))
    }

    deinit {
        if isBorrowed {
            // Our close callbacks would run later on the host's loop and find this object gone.
            precondition(isIdle, "EventLoop(borrowing:) released with handles open or requests in flight: \(handleCounts)")
        } else if !isLoopClosed {
            // Every owner closed its handle before we get here; run once more so their close callbacks fire.
            uv_run(raw, UV_RUN_NOWAIT)
            _ = uv_loop_close(raw)
        }
        for request in spareWriteRequests { request.deallocate() }
        for buffer in spareBuffers { free(buffer.base) }
        if !isBorrowed { raw.deallocate() }
        readSlab.deallocate()
    }

    /// A write request for one uv_write; hand it back with `recycle` in (or after) its callback.
    func takeWriteRequest() -> UnsafeMutablePointer<uv_write_t> {
        spareWriteRequests.popLast() ?? .allocate(capacity: 1)
    }

    func recycle(_ request: UnsafeMutablePointer<uv_write_t>) {
        if spareWriteRequests.count < Self.maxSpareWriteRequests {
            spareWriteRequests.append(request)
        } else {
            request.deallocate()
        }
    }

    func takeBuffer() -> (base: UnsafeMutablePointer<UInt8>, capacity: Int)? { spareBuffers.popLast() }

    func recycle(_ buffer: (base: UnsafeMutablePointer<UInt8>, capacity: Int)) {
        if spareBuffers.count < Self.maxSpareBuffers, buffer.capacity <= Self.maxSpareBufferBytes {
            spareBuffers.append(buffer)
        } else {
            free(buffer.base)
        }
    }

    /// Runs until no active handle remains (every owner closed). An owned loop only: a host runs its own.
    func run() {
        precondition(!isBorrowed, "a borrowed loop is run by its host")
        thread.store(UInt(pthread_self()), ordering: .releasing)
        uv_run(raw, UV_RUN_DEFAULT)
    }

    /// Cached per loop turn by libuv: fine for timeouts, never for wire timestamps.
    var nowMillis: UInt64 { uv_now(raw) }

    /// Whether the caller is the thread currently running the loop (C entry points check this).
    var isOnLoopThread: Bool {
        let thread = thread.load(ordering: .relaxed)
        return thread != 0 && pthread_equal(pthread_t(thread), pthread_self()) != 0
    }

    /// Runs the pending close callbacks, then uv_loop_close: 0 when nothing is left on the loop, UV_EBUSY
    /// while a handle or request still is (libuv's MAKE_VALGRIND_HAPPY ending). After a 0 the loop is unusable.
    func close() -> Int32 {
        precondition(!isBorrowed, "a borrowed loop is closed by its host")
        guard !isLoopClosed else { return 0 }
        uv_run(raw, UV_RUN_NOWAIT)
        let rc = uv_loop_close(raw)
        isLoopClosed = rc == 0
        return rc
    }

    func handleOpened(_ kind: LoopHandle.Kind) { opened[kind.rawValue] += 1 }

    func handleClosed(_ kind: LoopHandle.Kind) { closed[kind.rawValue] += 1 }

    /// A request not tied to a handle of ours was handed to libuv; `requestFinished` after its callback.
    func requestStarted() { requestsInFlight += 1 }

    func requestFinished() {
        requestsInFlight -= 1
        runIdleActionIfIdle()
    }

    /// Nothing of ours is on the loop: every handle closed (close callback run), no request in flight.
    var isIdle: Bool { openHandleCount == 0 && requestsInFlight == 0 }

    /// Runs `action` on the loop thread once `isIdle` (at once if it is): how a node on a host's loop tells
    /// the host its stop finished. The action may release the last reference to this object. One at a time.
    func whenIdle(_ action: @escaping () -> Void) {
        precondition(idleAction == nil, "one idle action at a time")
        idleAction = action
        runIdleActionIfIdle()
    }

    /// Keeps this object alive until nothing of ours is on the loop: a start that failed on a host's loop
    /// leaves handles closing, whose callbacks come on the host's next turn and still count here.
    func keepAliveUntilIdle() {
        whenIdle { [self] in withExtendedLifetime(self) {} }
    }

    /// Called at the end of every close callback and request callback of ours (after the owner heard of it:
    /// it may open or close something else first).
    func runIdleActionIfIdle() {
        guard let action = idleAction, isIdle else { return }
        idleAction = nil
        action()
    }

    /// Handles opened through LoopHandle whose close callback has not run yet (closing ones included).
    var openHandleCount: Int { zip(opened, closed).reduce(0) { $0 + $1.0 - $1.1 } }

    func openHandles(of kind: LoopHandle.Kind) -> Int { opened[kind.rawValue] - closed[kind.rawValue] }

    /// "timer 3/3, stream 2/1": opened/closed per kind, for a failing test's message.
    var handleCounts: String {
        LoopHandle.Kind.allCases.map { "\($0) \(opened[$0.rawValue])/\(closed[$0.rawValue])" }.joined(separator: ", ")
    }

    /// Number of handles libuv still counts as alive: zero once every owner closed (tests assert it).
    var activeHandleCount: Int {
        var count = 0
        uv_walk(raw, { handle, arg in
            if uv_is_closing(handle) == 0 { arg!.assumingMemoryBound(to: Int.self).pointee += 1 }
        }, &count)
        return count
    }
}
