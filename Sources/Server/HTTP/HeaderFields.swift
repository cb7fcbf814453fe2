/// Header name and value positions inside a request's `head` bytes, in arrival order.
/// Requests carry a handful of headers, so a linear scan beats any hashing.
public struct HeaderFields {
    private var names: [Range<Int>] = []
    private var values: [Range<Int>] = []

    public init() {}

    public var count: Int { names.count }

    mutating func append(name: Range<Int>, value: Range<Int>) {
        names.append(name)
        values.append(value)
    }

    /// A header value that arrived in several pieces grows in place (the pieces are contiguous in `head`).
    mutating func extendLastValue(to end: Int) {
        values[values.count - 1] = values[values.count - 1].lowerBound..<end
    }

    mutating func setLastValue(_ range: Range<Int>) {
        values[values.count - 1] = range
    }

    mutating func extendLastName(to end: Int) {
        names[names.count - 1] = names[names.count - 1].lowerBound..<end
    }

    mutating func removeAll() {
        names.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
    }

    func value(named name: StaticString, in head: [UInt8]) -> ArraySlice<UInt8>? {
        for index in names.indices where ASCII.equalsIgnoringCase(head[names[index]], name) {
            return head[values[index]]
        }
        return nil
    }

    /// Every (name, value) pair, decoded; for logging and tests.
    func pairs(in head: [UInt8]) -> [(String, String)] {
        names.indices.map {
            (String(decoding: head[names[$0]], as: UTF8.self), String(decoding: head[values[$0]], as: UTF8.self))
        }
    }
}

/// ASCII byte comparisons used by header lookups and content negotiation.
enum ASCII {
    @inline(__always)
    static func lower(_ byte: UInt8) -> UInt8 { byte &- 65 < 26 ? byte | 0x20 : byte }

    static func equalsIgnoringCase(_ bytes: ArraySlice<UInt8>, _ text: StaticString) -> Bool {
        guard bytes.count == text.utf8CodeUnitCount else { return false }
        let other = text.utf8Start
        var i = 0
        for byte in bytes {
            if lower(byte) != lower(other[i]) { return false }
            i += 1
        }
        return true
    }

    /// Substring test, ASCII case-insensitive.
    static func contains(_ haystack: ArraySlice<UInt8>, _ needle: StaticString) -> Bool {
        let n = needle.utf8CodeUnitCount
        guard n > 0 else { return true }
        guard haystack.count >= n else { return false }
        let start = needle.utf8Start
        var i = haystack.startIndex
        while i + n <= haystack.endIndex {
            var j = 0
            while j < n, lower(haystack[i + j]) == lower(start[j]) { j += 1 }
            if j == n { return true }
            i += 1
        }
        return false
    }
}
