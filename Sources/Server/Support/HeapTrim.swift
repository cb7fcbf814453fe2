import CMalloc

/// Hands the allocator's free pages back to the system (glibc `malloc_trim`). glibc returns memory by itself only
/// from the top of a heap; after a mass cancellation the freed records lie between blocks still in use, so without
/// this RSS stays at its peak (issue 19: 158 MB with 15 MB in use after 100,000 cancellations).
///
/// Called on the loop thread by `HeapTrimmer` (after the registry says a large release happened, `takeHeapTrimDue`,
/// and once pool builds have been quiet for a while), never on a pool thread: the trim walks every arena under its
/// lock, and one run on a pool thread while the loop allocated coincided with a 747 ms loop stall
/// (bench/RESULTS.md). On the loop it costs the loop only its own duration, about what it returns, which the node
/// logs (`heap_trimmed`) and bench/memory-release.sh measures. Large payload buffers need no trim: the executable
/// maps blocks of 256 KiB and more on their own, so they go back when freed; the smaller blocks a build frees (a
/// document's per-application arrays at 10,000 instances) stay in the pool threads' heaps until a trim.
///
/// Off unless the process turns it on: the `eureka-server` executable does (as it sets the mmap threshold), while the
/// embeddable library leaves the allocator to its host.
public enum HeapTrim {
    /// Set once at start-up, before any node runs (the executable's main); read on the loop thread after.
    nonisolated(unsafe) public static var afterLargeReleases = false

    /// Trims and returns how long it took, in microseconds.
    static func run() -> Int {
        let start = Monotonic.micros()
        _ = malloc_trim(0)
        return Monotonic.micros() - start
    }
}
