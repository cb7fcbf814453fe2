#if canImport(Glibc)
import Glibc
#endif

/// Epoch milliseconds behind a protocol, so the registry never reads a clock of its own (spec 1.10):
/// the node injects the wall clock, tests a `ManualTimeSource`. Not named `Clock`: the standard library owns that.
public protocol TimeSource {
    func nowMillis() -> Int64
}

/// The wall clock. Lease arithmetic uses it as Netflix uses `System.currentTimeMillis()`, so a wall-clock jump
/// moves lease expiry the same way it does upstream (spec 1.10).
public struct SystemTimeSource: TimeSource {
    public init() {}

    public func nowMillis() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }
}

/// A settable clock for tests: time moves only when the test says so, so no test sleeps.
final class ManualTimeSource: TimeSource {
    var now: Int64

    init(now: Int64 = 1_700_000_000_000) {
        self.now = now
    }

    func nowMillis() -> Int64 { now }

    func advance(by millis: Int64) {
        now += millis
    }
}
