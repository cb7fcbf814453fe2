import CLibUV
import Glibc

/// One uv_loop_t, run by exactly one thread. Everything that touches the registry or a socket runs
/// inside `run()` on that thread; other threads reach it only through `LoopMailbox`.
public final class EventLoop {
    let raw: UnsafeMutablePointer<uv_loop_t>
    /// alloc and read callbacks run back to back on the loop thread and decoders copy what they keep,
    /// so every connection reads into this one slab: an idle socket costs no read memory.
    let readSlab: UnsafeMutableRawBufferPointer
    private(set) var thread: pthread_t?
    /// Set by the server that owns the connections (and closed by it); nil means no cap.
    var bulkWriteBudget: BulkWriteBudget?
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
    /// Set once uv_loop_close succeeded, so deinit does not close it again.
    private var isLoopClosed = false

    public init() throws(UVError) {
        // A write to a socket the peer already closed must fail with EPIPE, not kill the process.
        signal(SIGPIPE, SIG_IGN)
        raw = .allocate(capacity: 1)
        readSlab = .allocate(byteCount: 64 * 1024, alignment: 16)
        let rc = uv_loop_init(raw)
        if rc < 0 {
            raw.deallocate()
            readSlab.deallocate()
            throw UVError(code: rc)
        }
    }

    deinit {
        if !isLoopClosed {
            // Every owner closed its handle before we get here; run once more so their close callbacks fire.
            uv_run(raw, UV_RUN_NOWAIT)
            _ = uv_loop_close(raw)
        }
        for request in spareWriteRequests { request.deallocate() }
        for buffer in spareBuffers { free(buffer.base) }
        raw.deallocate()
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

    /// Runs until no active handle remains (every owner closed).
    public func run() {
        thread = pthread_self()
        uv_run(raw, UV_RUN_DEFAULT)
    }

    /// Runs one turn without blocking; for embedders that drive the loop themselves.
    func runOnce() { uv_run(raw, UV_RUN_NOWAIT) }

    /// Cached per loop turn by libuv: fine for timeouts, never for wire timestamps.
    var nowMillis: UInt64 { uv_now(raw) }

    /// Whether the caller is the thread currently running the loop (C entry points check this).
    var isOnLoopThread: Bool {
        guard let thread else { return false }
        return pthread_equal(thread, pthread_self()) != 0
    }

    /// Runs the pending close callbacks, then uv_loop_close: 0 when nothing is left on the loop, UV_EBUSY
    /// while a handle or request still is (libuv's MAKE_VALGRIND_HAPPY ending). After a 0 the loop is unusable.
    func close() -> Int32 {
        guard !isLoopClosed else { return 0 }
        uv_run(raw, UV_RUN_NOWAIT)
        let rc = uv_loop_close(raw)
        isLoopClosed = rc == 0
        return rc
    }

    func handleOpened(_ kind: LoopHandle.Kind) { opened[kind.rawValue] += 1 }

    func handleClosed(_ kind: LoopHandle.Kind) { closed[kind.rawValue] += 1 }

    /// Handles opened through LoopHandle whose close callback has not run yet (closing ones included).
    public var openHandleCount: Int { zip(opened, closed).reduce(0) { $0 + $1.0 - $1.1 } }

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
