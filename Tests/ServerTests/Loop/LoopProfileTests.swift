import Testing
@testable import Server

/// Issue 19: the bench-only loop profile attributes the loop thread's CPU time to the callback that used it
/// (timers by where they were made, pool completions by their label), so a stall can be named without
/// wall-clock latency, which other processes on the machine inflate.
@Suite struct LoopProfileTests {
    /// Spins until the calling thread has used `nanos` of CPU: a callback that holds the loop.
    private static func burn(nanos: Int) {
        let start = LoopProfile.threadCPUNanos()
        while LoopProfile.threadCPUNanos() - start < nanos {}
    }

    @Test func eachCallbackKindIsChargedWithTheCPUItUsed() throws {
        let loop = try makeTestLoop()
        let profile = LoopProfile(longNanos: 1_000_000)
        try profile.watchPhases(of: loop)
        loop.profile = profile
        let timer = try LoopTimer(loop: loop)
        timer.start(afterMs: 1, repeatMs: 0) { [unowned timer] in
            Self.burn(nanos: 3_000_000)
            timer.close()
        }
        PoolRunner(loop: loop).run({ 1 }, label: "test job", then: { _ in Self.burn(nanos: 2_000_000) })
        loop.run()
        profile.close()
        loop.profile = nil
        loop.run()  // the phase marks are unref'd: the loop ended with them open; now their close callbacks run
        expectLoopClosesClean(loop)

        let timerLabel = profile.tallies.keys.first { $0.hasPrefix("timer ") && $0.contains("LoopProfileTests.swift") }
        #expect(timerLabel != nil, "timers are named by the file that made them: \(profile.tallies.keys)")
        let timerTally = timerLabel.flatMap { profile.tallies[$0] }
        #expect(timerTally?.count == 1)
        #expect((timerTally?.maxCPUNanos ?? 0) >= 3_000_000)
        #expect((profile.tallies["after-work test job"]?.maxCPUNanos ?? 0) >= 2_000_000)
        #expect(profile.tallies[LoopProfile.pollRemainder] != nil && profile.tallies[LoopProfile.otherRemainder] != nil)
        // The libuv remainder excludes what our callbacks used: neither 3 ms callback shows up in it.
        #expect((profile.tallies[LoopProfile.pollRemainder]?.maxCPUNanos ?? 0) < 2_000_000)
        #expect((profile.tallies[LoopProfile.otherRemainder]?.maxCPUNanos ?? 0) < 2_000_000)
        // Both callbacks passed the 1 ms threshold, so both are listed one by one, in order.
        #expect(profile.events.map(\.label) == [timerLabel ?? "", "after-work test job"]
                || profile.events.map(\.label) == ["after-work test job", timerLabel ?? ""])
        let report = profile.report()
        #expect(report.contains("tally\tafter-work test job\t1\t"))
        #expect(report.contains("event\t"))
    }

    @Test func aLongReadIsNamedByItsFirstLine() {
        let request = Array("GET /eureka/apps/delta HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        let line = request.withUnsafeBytes { LoopProfile.firstLine($0) }
        #expect(line == "GET /eureka/apps/delta HTTP/1.1")
        let binary: [UInt8] = [0, 9, 200, 65]
        #expect(binary.withUnsafeBytes { LoopProfile.firstLine($0) } == "???A")
    }

    /// The lag probe waits for a whole loop iteration: the profile sums each iteration's callbacks and names the
    /// long ones by what ran in them, largest share first.
    @Test func aLongIterationIsListedWithItsCallbacks() {
        let profile = LoopProfile(longNanos: .max, longIterationNanos: 2_000_000)
        profile.note("read", cpu: 300_000)
        profile.note("timer Server/X.swift:1", cpu: 1_500_000)
        profile.note("read", cpu: 400_000)
        profile.endIteration(cpu: 2_300_000, at: 0)
        profile.note("read", cpu: 100_000)
        profile.endIteration(cpu: 100_000, at: 0)  // short: counted, not listed
        #expect(profile.iterations.map(\.label) == ["timer Server/X.swift:1 x1 1.5 ms; read x2 0.7 ms"])
        #expect(profile.iterations.first?.cpuNanos == 2_300_000)
        #expect(profile.iterationTally.count == 2 && profile.iterationTally.maxCPUNanos == 2_300_000)
        #expect(profile.events.isEmpty)
        #expect(profile.report().contains("iteration\t"))
        #expect(profile.report().contains("iterations\t2\t2400000\t2300000"))
    }
}
