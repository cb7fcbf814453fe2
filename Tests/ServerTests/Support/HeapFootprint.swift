import CMalloc

/// Adds up the heap blocks a structure owns, each block once however many values share it, by asking glibc for the
/// usable size of each (plus the 8-byte chunk header every malloc block carries). Exact and independent of what
/// other threads allocate meanwhile, unlike process-wide counters (mallinfo2 sees only the main arena, and tests
/// run on pool threads). Only blocks that really came from malloc may reach `block`: empty collections (shared
/// static singletons), small strings (stored inline) and literals (in the binary) are skipped before it.
struct HeapFootprint {
    private var seen = Set<UInt>()
    private(set) var bytes = 0
    private(set) var blocks = 0

    static let chunkHeader = 8

    mutating func block(_ address: UnsafeRawPointer) {
        guard seen.insert(UInt(bitPattern: address)).inserted else { return }
        bytes += malloc_usable_size(UnsafeMutableRawPointer(mutating: address)) + Self.chunkHeader
        blocks += 1
    }

    mutating func object(_ object: AnyObject) {
        block(UnsafeRawPointer(Unmanaged.passUnretained(object).toOpaque()))
    }

    /// A String is two words: count and flags, then the object word whose top nibble says small (inline),
    /// immortal (a literal) or neither (a native heap object at the low 60 bits).
    mutating func string(_ text: String?) {
        guard let text else { return }
        let words = unsafeBitCast(text, to: (UInt64, UInt64).self)
        let discriminator = words.1 >> 60
        let isImmortal = discriminator & 0b1000 != 0
        let isSmall = discriminator & 0b0010 != 0
        guard !isImmortal, !isSmall else { return }
        let address = words.1 & 0x0FFF_FFFF_FFFF_FFFF
        guard address != 0, let pointer = UnsafeRawPointer(bitPattern: UInt(address)) else { return }
        block(pointer)
    }

    mutating func array<T>(_ array: [T]) {
        guard array.capacity > 0 else { return }
        block(unsafeBitCast(array, to: UnsafeRawPointer.self))
    }

    mutating func dictionary<K, V>(_ dictionary: [K: V]) {
        guard dictionary.capacity > 0 else { return }
        block(unsafeBitCast(dictionary, to: UnsafeRawPointer.self))
    }

    mutating func set<T>(_ set: Set<T>) {
        guard set.capacity > 0 else { return }
        block(unsafeBitCast(set, to: UnsafeRawPointer.self))
    }
}
