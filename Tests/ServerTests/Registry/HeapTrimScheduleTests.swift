import Testing
@testable import Server

/// Heap trims after pool builds (issue 19): one once the builds have stopped for the quiet period, none between
/// builds that keep coming.
@Suite struct HeapTrimScheduleTests {
    private func due(_ schedule: inout HeapTrimSchedule, at now: Int64) -> Bool { schedule.takeDue(at: now) }

    @Test func nothingIsDueBeforeABuildFinished() {
        var schedule = HeapTrimSchedule(quietMs: 1_000)
        #expect(!due(&schedule, at: 50_000))
    }

    @Test func aTrimIsDueOnceAfterTheQuietPeriod() {
        var schedule = HeapTrimSchedule(quietMs: 1_000)
        schedule.buildFinished(at: 10_000)
        #expect(!due(&schedule, at: 10_999))
        #expect(due(&schedule, at: 11_000))
        #expect(!due(&schedule, at: 12_000))
    }

    @Test func buildsThatKeepComingPostponeTheTrimToAfterTheLastOne() {
        var schedule = HeapTrimSchedule(quietMs: 1_000)
        for t in stride(from: Int64(10_000), through: 15_000, by: 500) {
            schedule.buildFinished(at: t)
            #expect(!due(&schedule, at: t + 999))  // a timer armed by an earlier build finds the trim not yet due
        }
        #expect(due(&schedule, at: 16_000))
    }
}
