import Foundation
import Glibc
import Testing
@testable import Server

/// Encodings run at nice 19 on a thread of their own; libuv's pool threads keep their priority, since a nice-19 pool
/// thread's completion signal made the loop of libuv 1.44 spin for tens of milliseconds (see PoolPriority).
@Suite struct PoolPriorityTests {
    @Test(arguments: [false, true])
    func theBodyRunsLoweredOnAnotherThreadAndTheCallerKeepsItsPriority(idle: Bool) {
        let before = PoolPriority.currentNice()
        let policyBefore = PoolPriority.currentPolicy()
        let caller = pthread_self()
        let (nice, policy, sameThread) = PoolPriority.inBackground(idle: idle) {
            (PoolPriority.currentNice(), PoolPriority.currentPolicy(), pthread_equal(pthread_self(), caller) != 0)
        }
        #expect(nice == PoolPriority.backgroundNice)
        #expect(policy == (idle ? PoolPriority.idlePolicy : Int32(SCHED_OTHER)))
        #expect(!sameThread)
        #expect(PoolPriority.currentNice() == before)
        #expect(PoolPriority.currentPolicy() == policyBefore)
    }

    @Test func theResultAndEverythingTheBodyCapturedComeBack() {
        let source = (0..<10_000).map { $0 * 3 }
        let sum = PoolPriority.inBackground(idle: false) { source.reduce(0, +) }
        #expect(sum == 3 * (10_000 * 9_999 / 2))
        let strings = PoolPriority.inBackground(idle: true) { source.prefix(3).map(String.init) }
        #expect(strings == ["0", "3", "6"])
    }

    /// A node's full-registry build goes to the pool (more instances than the off-loop threshold); once it has been
    /// served, no thread of the process but an encoding thread of the moment is at nice 19. Fails when the pool
    /// thread itself is lowered, as it was before.
    @Test func aNodesOffLoopBuildsLeaveThePoolThreadsAtTheirPriority() throws {
        let node = try TestNode()
        defer { node.stop() }
        node.registerInProcess(PayloadBuilder.defaultOffLoopThreshold * 4)
        for accept in ["application/json", "application/xml"] {
            let reply = try node.request(path: "/eureka/apps", headers: [("Accept", accept)])
            #expect(reply.status == 200)
        }
        #expect(node.running.sync { $0.cacheMetrics.offLoopGenerations } >= 1)
        let lowered = Self.threads().filter { $0.nice == PoolPriority.backgroundNice && $0.name != "eureka-encode" }
        #expect(lowered.isEmpty, "threads left at nice 19: \(lowered)")
    }

    /// Every thread of this process: its name and nice value (/proc/self/task/*/stat, fields 2 and 19).
    static func threads() -> [(name: String, nice: Int32)] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        return tasks.compactMap { task in
            guard let stat = try? String(contentsOfFile: "/proc/self/task/\(task)/stat", encoding: .utf8),
                  let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")") else { return nil }
            let name = String(stat[stat.index(after: open)..<close])
            // After ") ": state is field 3, so nice (field 19) is the 17th of the rest.
            let rest = stat[stat.index(close, offsetBy: 2)...].split(separator: " ")
            guard rest.count > 16, let nice = Int32(rest[16]) else { return nil }
            return (name, nice)
        }
    }

    /// The first build of the full registry has readers waiting: nice 19, not idle. Once the read-only level holds a
    /// value for each key, an immediate rebuild after a change is idle (readers are answered from that level).
    @Test func onlyRebuildsThatNobodyWaitsForRunIdle() throws {
        let node = try TestNode(["--eureka.node.immediate-cache-propagation=true"])
        defer { node.stop() }
        node.registerInProcess(PayloadBuilder.defaultOffLoopThreshold * 4)
        #expect(try node.request(path: "/eureka/apps", headers: [("Accept", "application/json")]).status == 200)
        #expect(node.running.sync { $0.cacheMetrics.offLoopGenerations } >= 1)
        #expect(node.running.sync { $0.cacheMetrics.idleGenerations } == 0)
        node.running.sync { node in
            _ = node.registry.register(instance("late", app: "BULK"), leaseDurationSecs: 90, isReplication: false)
        }
        #expect(node.eventually { $0.cacheMetrics.idleGenerations >= 1 })
    }
}
