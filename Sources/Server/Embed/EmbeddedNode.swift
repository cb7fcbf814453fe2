import CEurekaServer
import Synchronization

/// The object behind `eureka_node *`: a node plus what the C API adds to it — a lifecycle every thread can read,
/// the run and stop of a node on its own loop, the host's callbacks.
///
/// @unchecked Sendable (the third in the project, after PoolJob and LoopMailbox): C hands the same pointer to
/// every thread, and `stop` and `post` may come from any of them. Off the loop thread only the atomics, the
/// immutable `port` and `node.loop` (for its thread check) and the node's mailbox (Sendable) are touched;
/// everything else only after `onLoopThread` checked the thread, or on the loop thread through the mailbox.
final class EmbeddedNode: @unchecked Sendable {
    enum Lifecycle: UInt8 {
        case running, stopping, stopped
    }

    enum RunState: UInt8 {
        case notRun, running, finished
    }

    let node: EurekaNode
    let port: Int
    private let lifecycle = Atomic<UInt8>(Lifecycle.running.rawValue)
    private let runState = Atomic<UInt8>(RunState.notRun.rawValue)
    /// The host's change callback (Embed/CEvents.swift); loop thread only.
    var events: HostEventSink? {
        didSet { node.onRegistryChange = events.map { sink in { event in sink.deliver(event) } } }
    }

    init(node: EurekaNode) {
        self.node = node
        port = node.port
    }

    /// What C holds: a +1 on the object from `eureka_node_create` to `eureka_node_free`.
    var opaque: OpaquePointer { OpaquePointer(Unmanaged.passUnretained(self).toOpaque()) }

    /// Borrows the node behind a C pointer for `body` without retaining it (the host's +1 keeps it alive for
    /// the call); NULL is an EUREKA_EINVAL.
    @inline(__always)
    static func with(_ pointer: OpaquePointer?, _ body: (EmbeddedNode) -> Int32) -> Int32 {
        guard let pointer else { return EmbedFailure.invalid("node is NULL").report() }
        return Unmanaged<EmbeddedNode>.fromOpaque(UnsafeRawPointer(pointer))._withUnsafeGuaranteedRef(body)
    }

    /// A loop-thread call: the thread and the lifecycle checked, then `body`, with its failure reported.
    @inline(__always)
    func onLoopThread(_ body: (EurekaNode) throws(EmbedFailure) -> Void) -> Int32 {
        guard node.loop.isOnLoopThread else { return EmbedFailure.wrongThread.report() }
        guard lifecycle.load(ordering: .acquiring) == Lifecycle.running.rawValue else { return EmbedFailure.stopped.report() }
        return reportingFailure { () throws(EmbedFailure) in try body(node) }
    }

    // MARK: run, stop, post, free

    /// Runs a node on its own loop until it stopped. Any thread; it becomes the loop thread.
    func run() throws(EmbedFailure) {
        guard !node.loop.isBorrowed else { throw .state("the node is on the host's loop: the host runs it") }
        guard runState.compareExchange(expected: RunState.notRun.rawValue, desired: RunState.running.rawValue,
                                       ordering: .acquiringAndReleasing).exchanged else {
            throw .state("eureka_node_run was already called")
        }
        node.run()
        runState.store(RunState.finished.rawValue, ordering: .releasing)
    }

    /// Any thread: the first call wins; from another thread the stop goes through the mailbox (uv_async).
    func stop(then completion: NodeCallback?) throws(EmbedFailure) {
        guard lifecycle.compareExchange(expected: Lifecycle.running.rawValue, desired: Lifecycle.stopping.rawValue,
                                        ordering: .acquiringAndReleasing).exchanged else {
            throw .init(code: EUREKA_ESTOPPED, message: "the node is already stopping or stopped")
        }
        if node.loop.isOnLoopThread {
            beginStop(completion)
        } else {
            // Only this stop closes the mailbox, so it is open: the message is accepted.
            node.mailbox.post(.withOwner { [self] _ in beginStop(completion) })
        }
    }

    private func beginStop(_ completion: NodeCallback?) {
        // The completion holds this object until it ran: the host may free the node in its callback.
        node.stop { [self] in
            lifecycle.store(Lifecycle.stopped.rawValue, ordering: .releasing)
            completion?.call(opaque)
        }
    }

    /// Any thread: `call` runs on the loop thread (messages accepted before a stop still run).
    func post(_ call: NodeCallback) throws(EmbedFailure) {
        let accepted = node.mailbox.post(.withOwner { [self] _ in call.call(opaque) })
        guard accepted else { throw .stopped }
    }

    /// Whether `eureka_node_free` may release the node now.
    func checkFreeable() throws(EmbedFailure) {
        guard lifecycle.load(ordering: .acquiring) == Lifecycle.stopped.rawValue else {
            throw .state("the node has not stopped: call eureka_node_stop and wait for its callback")
        }
        guard runState.load(ordering: .acquiring) != RunState.running.rawValue else {
            throw .state("eureka_node_run has not returned yet: free the node after it returned")
        }
    }
}

/// A host function called back with the node on the loop thread (a stop callback, a posted call) and its user
/// data, kept as an address so the value is Sendable: the host gave it to us to hand back on the loop thread.
struct NodeCallback: Sendable {
    let function: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?) -> Void
    let userData: UInt

    init(_ function: @escaping @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?) -> Void,
         _ userData: UnsafeMutableRawPointer?) {
        self.function = function
        self.userData = UInt(bitPattern: userData)
    }

    func call(_ node: OpaquePointer) { function(node, UnsafeMutableRawPointer(bitPattern: userData)) }
}
