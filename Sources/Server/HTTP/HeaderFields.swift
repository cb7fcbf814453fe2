/// Header name and value positions inside a request's `head` bytes, in arrival order.
/// Requests carry a handful of headers, so a linear scan beats any hashing.
struct HeaderFields: Sendable {
    /// One entry per header: a single array, so a header costs one append (not one per range).
    private var fields: [(name: Range<Int>, value: Range<Int>)] = []

    init() {}

    var count: Int { fields.count }

    mutating func append(name: Range<Int>, value: Range<Int>) {
        fields.append((name, value))
    }

    /// A header value that arrived in several pieces grows in place (the pieces are contiguous in `head`).
    mutating func extendLastValue(to end: Int) {
        fields[fields.count - 1].value = fields[fields.count - 1].value.lowerBound..<end
    }

    mutating func setLastValue(_ range: Range<Int>) {
        fields[fields.count - 1].value = range
    }

    mutating func extendLastName(to end: Int) {
        fields[fields.count - 1].name = fields[fields.count - 1].name.lowerBound..<end
    }

    mutating func removeAll() {
        fields.removeAll(keepingCapacity: true)
    }

    func value(named name: StaticString, in head: [UInt8]) -> ArraySlice<UInt8>? {
        // Lengths first, then bytes through one pointer: no slice (and no retain of `head`) per header.
        let length = name.utf8CodeUnitCount
        let index: Int? = head.withUnsafeBufferPointer { bytes in
            for (i, field) in fields.enumerated() where field.name.count == length && field.name.upperBound <= bytes.count {
                if ASCII.equalsIgnoringCase(UnsafeBufferPointer(rebasing: bytes[field.name]), name) { return i }
            }
            return nil
        }
        guard let index else { return nil }
        return head[fields[index].value]
    }

    /// Every (name, value) pair, decoded; for logging and tests.
    func pairs(in head: [UInt8]) -> [(String, String)] {
        fields.map {
            (String(decoding: head[$0.name], as: UTF8.self), String(decoding: head[$0.value], as: UTF8.self))
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

    static func equalsIgnoringCase(_ bytes: UnsafeBufferPointer<UInt8>, _ text: StaticString) -> Bool {
        guard bytes.count == text.utf8CodeUnitCount else { return false }
        let other = text.utf8Start
        for i in 0..<bytes.count where lower(bytes[i]) != lower(other[i]) { return false }
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
