import Glibc

/// Gives freed memory back to the system after large releases (issue 19). glibc keeps freed heap memory in
/// its arenas (one per pool thread here) and returns only the top of each: after a build's transient buffers
/// or a replaced document are freed, tens of MB stay resident until `malloc_trim` walks the arenas. It runs on
/// the pool thread that did the freeing, never on the loop (it takes milliseconds with large arenas), and
/// only after releases of at least `thresholdBytes`, which bounds how often: one per large build or release.
enum MemoryTrim {
    static let thresholdBytes = 8 << 20

    private typealias TrimFunction = @convention(c) (Int) -> Int32
    /// Looked up at run time: the Glibc module does not export malloc.h; nil on a libc without it.
    private static let trim: TrimFunction? = dlsym(nil, "malloc_trim").map { unsafeBitCast($0, to: TrimFunction.self) }

    /// Call off the loop, after `bytes` were released.
    static func afterRelease(of bytes: Int) {
        guard bytes >= thresholdBytes, let trim else { return }
        _ = trim(0)
    }
}
