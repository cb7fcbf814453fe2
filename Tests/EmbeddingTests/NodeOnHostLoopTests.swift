import CLibUV
import Glibc
import Testing
@testable import Server

/// A whole node on a host's loop (what the C API's attach does): its stop completes once nothing of it is left on
/// the loop, only the first stop counts, and releasing the node releases its registry (no cycle keeps it).
@Suite(.serialized) struct NodeOnHostLoopTests {
    @Test func aStoppedNodeLeavesTheHostLoopEmptyAndReleasesItsRegistry() throws {
        signal(SIGPIPE, SIG_IGN)
        let host = UnsafeMutablePointer<uv_loop_t>.allocate(capacity: 1)
        defer { host.deallocate() }
        #expect(uv_loop_init(host) == 0)
        weak var registry: InstanceRegistry?
        var completions = 0
        var idleAtCompletion = false
        do {
            var config = ServerConfig()
            config.port = 0
            config.address = "127.0.0.1"
            let loop = EventLoop(borrowing: host)
            let node = try EurekaNode(config: config, loop: loop)
            registry = node.registry
            node.stop(then: { [unowned loop] in
                completions += 1
                idleAtCompletion = loop.isIdle
            })
            node.stop(then: { completions += 100 })
            let deadline = Monotonic.micros() + 5_000_000
            while completions == 0, Monotonic.micros() < deadline { uv_run(host, UV_RUN_ONCE) }
        }
        #expect(completions == 1)
        #expect(idleAtCompletion)
        #expect(registry == nil)
        #expect(uv_run(host, UV_RUN_NOWAIT) == 0)  // nothing of ours left to run
        #expect(uv_loop_close(host) == 0)
    }
}
