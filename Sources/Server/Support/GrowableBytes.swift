import Glibc

/// A byte buffer in memory from `malloc`, grown and finally fitted with `realloc`: what the registry documents are
/// built in (issue 19: a rebuild should cost little more than its result).
///
/// Why not `[UInt8]`: an array grows by allocating a second buffer and copying into it, so a document that outgrows
/// its estimate briefly needs both, and a buffer reserved above the result can only be fitted by one more copy
/// (SharedBytes copied any close-fitting miss, so the 160 MB XML document of 100,000 instances existed twice). Here
/// a block of 256 KiB or more is its own mapping (glibc maps large blocks; the executable sets the threshold), and
/// `realloc` of a mapping moves or trims its pages with `mremap` instead of copying them. Bytes reserved but never
/// written are never touched, so they cost address space, not memory.
///
/// Noncopyable: one owner frees it, or hands the block to `SharedBytes` (`takeFitted`).
struct GrowableBytes: ~Copyable {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private(set) var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 64)
        base = Self.reallocate(nil, self.capacity)
    }

    deinit { free(base) }

    var isEmpty: Bool { count == 0 }

    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        if count == capacity { grow(toHold: 1) }
        base[count] = byte
        count += 1
    }

    @inline(__always)
    mutating func append(contentsOf source: UnsafeBufferPointer<UInt8>) {
        guard let start = source.baseAddress else { return }
        if capacity - count < source.count { grow(toHold: source.count) }
        (base + count).update(from: start, count: source.count)
        count += source.count
    }

    /// Lets `write` fill the unused capacity in place (at least `minimum` bytes of it) and appends the bytes it
    /// says it wrote: how deflate writes its output without a staging buffer.
    mutating func appendInPlace(minimum: Int, _ write: (UnsafeMutableBufferPointer<UInt8>) -> Int) {
        if capacity - count < minimum { grow(toHold: minimum) }
        let written = write(UnsafeMutableBufferPointer(start: base + count, count: capacity - count))
        precondition(written >= 0 && written <= capacity - count, "wrote outside the buffer")
        count += written
    }

    /// The block trimmed to `count` (in place: `realloc` to a smaller size never copies a mapping, and splits a heap
    /// block), handed to the caller, who frees it with `free`.
    consuming func takeFitted() -> (base: UnsafeMutablePointer<UInt8>, count: Int) {
        let fitted = count < capacity ? Self.reallocate(base, count) : base
        let result = (fitted, count)
        discard self
        return result
    }

    /// Doubles (or more, for a large append): with `realloc` a doubling neither copies a mapped block nor touches
    /// the pages it adds.
    private mutating func grow(toHold extra: Int) {
        capacity = max(capacity * 2, count + extra)
        base = Self.reallocate(base, capacity)
    }

    private static func reallocate(_ block: UnsafeMutablePointer<UInt8>?, _ size: Int) -> UnsafeMutablePointer<UInt8> {
        guard let raw = realloc(block, max(size, 1)) else { fatalError("out of memory growing a buffer to \(size) bytes") }
        return raw.assumingMemoryBound(to: UInt8.self)
    }
}
