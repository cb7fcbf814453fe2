import Glibc

/// A monotonic clock for durations (metrics, late-run measurements); never written on the wire.
enum Monotonic {
    static func micros() -> Int {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return spec.tv_sec * 1_000_000 + spec.tv_nsec / 1_000
    }
}
