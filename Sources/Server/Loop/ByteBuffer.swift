import Glibc

/// Bytes with one owner and a stable address while libuv holds them (between uv_write and its callback).
/// Non-copyable, so bytes libuv is reading can never be duplicated or freed by accident.
struct ByteBuffer: ~Copyable {
    private(set) var base: UnsafeMutablePointer<UInt8>?
    private(set) var count = 0
    private(set) var capacity = 0

    init() {}

    deinit { free(base) }

    var isEmpty: Bool { count == 0 }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        reserve(count + bytes.count)
        (base! + count).update(from: bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), count: bytes.count)
        count += bytes.count
    }

    mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    mutating func append(_ text: StaticString) {
        append(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { append(UnsafeRawBufferPointer($0)) }
    }

    mutating func append(decimal value: Int) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch, enough for any Int
        withUnsafeMutableBytes(of: &digits) { scratch in
            var n = value.magnitude
            var i = scratch.count
            repeat {
                i -= 1
                scratch[i] = UInt8(truncatingIfNeeded: n % 10) + 48
                n /= 10
            } while n > 0
            if value < 0 { i -= 1; scratch[i] = 45 }
            append(UnsafeRawBufferPointer(rebasing: scratch[i...]))
        }
    }

    /// Empties the buffer but keeps its memory for the next turn.
    mutating func removeAll() { count = 0 }

    /// Drops the first `n` bytes (a spill buffer that was partly consumed).
    mutating func removeFirst(_ n: Int) {
        precondition(n <= count)
        if n < count { memmove(base!, base! + n, count - n) }
        count -= n
    }

    /// Gives the memory away (to a pool), leaving the buffer empty and without storage.
    mutating func surrender() -> (base: UnsafeMutablePointer<UInt8>, capacity: Int)? {
        guard let base else { return nil }
        let storage = (base: base, capacity: capacity)
        self.base = nil
        count = 0
        capacity = 0
        return storage
    }

    /// Takes memory from a pool; the buffer must have none.
    mutating func adopt(_ storage: (base: UnsafeMutablePointer<UInt8>, capacity: Int)) {
        precondition(base == nil)
        base = storage.base
        capacity = storage.capacity
        count = 0
    }

    /// Releases the memory too: idle connections should hold none.
    mutating func release() {
        free(base)
        base = nil
        count = 0
        capacity = 0
    }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    private mutating func reserve(_ needed: Int) {
        guard needed > capacity else { return }
        var newCapacity = max(capacity * 2, 256)
        while newCapacity < needed { newCapacity *= 2 }
        base = realloc(base, newCapacity)!.assumingMemoryBound(to: UInt8.self)
        capacity = newCapacity
    }
}
