/// Header name and value positions inside a request's `head` bytes, in arrival order.
/// Requests carry a handful of headers, so a linear scan beats any hashing.
struct HeaderFields: Sendable {
    typealias Field = (name: Range<Int>, value: Range<Int>)
    /// One entry per header: a single array, so a header costs one store (not one per range). Only
    /// `fields[0..<used]` are this request's; the entries after them are a previous request's, kept so that
    /// emptying between requests is two stores instead of a `removeAll` (a `replaceSubrange`, ~80 Ir a heartbeat).
    private var fields: [Field] = []
    private var used = 0
    /// Bit `n % 64` is set when a name of length n may be here: most lookups are for a header the request does not
    /// have (a heartbeat's `x-netflix-discovery-replication`), answered without a scan.
    private var nameLengths: UInt64 = 0

    init() {}

    var count: Int { used }

    mutating func append(name: Range<Int>, value: Range<Int>) {
        if used < fields.count {
            fields[used] = (name, value)
        } else {
            fields.append((name, value))
        }
        used &+= 1
        nameLengths |= Self.lengthBit(name.count)
    }

    /// Many at once (the whole-head split), with the `nameLengths` bits of their names.
    mutating func append(contentsOf batch: UnsafeBufferPointer<Field>, nameLengths bits: UInt64) {
        let reused = min(batch.count, fields.count - used)  // slots of a previous request, overwritten
        if reused > 0 {
            let start = used
            fields.withUnsafeMutableBufferPointer { slots in
                _ = UnsafeMutableBufferPointer(rebasing: slots[start..<(start + reused)])
                    .initialize(from: UnsafeBufferPointer(rebasing: batch[0..<reused]))
            }
        }
        if reused < batch.count { fields.append(contentsOf: UnsafeBufferPointer(rebasing: batch[reused...])) }
        used &+= batch.count
        nameLengths |= bits
    }

    /// The `nameLengths` bit of a name this long.
    @inline(__always)
    static func lengthBit(_ length: Int) -> UInt64 { 1 &<< UInt64(length & 63) }

    /// A header value that arrived in several pieces grows in place (the pieces are contiguous in `head`).
    mutating func extendLastValue(to end: Int) {
        fields[used - 1].value = fields[used - 1].value.lowerBound..<end
    }

    mutating func setLastValue(_ range: Range<Int>) {
        fields[used - 1].value = range
    }

    mutating func extendLastName(to end: Int) {
        fields[used - 1].name = fields[used - 1].name.lowerBound..<end
        nameLengths |= Self.lengthBit(fields[used - 1].name.count)  // the shorter length's bit may stay
    }

    /// Empties the list; the array keeps its entries and capacity for the next request (see `used`).
    mutating func removeAll() {
        used = 0
        nameLengths = 0
    }

    func value(named name: StaticString, in head: [UInt8]) -> ArraySlice<UInt8>? {
        // Lengths first, then bytes through one pointer: no slice (and no retain of `head`) per header.
        let length = name.utf8CodeUnitCount
        guard nameLengths & Self.lengthBit(length) != 0 else { return nil }
        let index: Int? = head.withUnsafeBufferPointer { bytes in
            for (i, field) in fields[0..<used].enumerated()
            where field.name.count == length && field.name.upperBound <= bytes.count {
                if ASCII.equalsIgnoringCase(UnsafeBufferPointer(rebasing: bytes[field.name]), name) { return i }
            }
            return nil
        }
        guard let index else { return nil }
        return head[fields[index].value]
    }

    /// Every (name, value) pair, decoded; for logging and tests.
    func pairs(in head: [UInt8]) -> [(String, String)] {
        fields[0..<used].map {
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
