import Glibc

/// A query string read on demand: each lookup scans the bytes, so a heartbeat that needs one
/// parameter pays for one scan and no dictionary (spec 1.2: form decoding, first value wins,
/// case-sensitive names).
struct Query {
    private let bytes: ArraySlice<UInt8>

    init(_ bytes: ArraySlice<UInt8>) { self.bytes = bytes }

    /// Splits a URL into its path and query.
    static func split(_ url: ArraySlice<UInt8>) -> (path: ArraySlice<UInt8>, query: Query) {
        // memchr over the contiguous bytes: the generic firstIndex(of:) costs several times more per byte.
        let mark: Int? = url.withUnsafeBytes { raw in
            guard let base = raw.baseAddress, let hit = memchr(base, Int32(UInt8(ascii: "?")), raw.count) else { return nil }
            return url.startIndex + (UnsafeRawPointer(hit) - base)
        }
        guard let mark else { return (url, Query(url[url.endIndex...])) }
        return (url[..<mark], Query(url[(mark + 1)...]))
    }

    func value(_ name: StaticString) -> String? {
        raw(name).map { PercentDecoding.decode($0, plusIsSpace: true) }
    }

    func contains(_ name: StaticString) -> Bool { raw(name) != nil }

    /// A decimal integer parameter; nil when absent, empty or not a number.
    func int64(_ name: StaticString) -> Int64? {
        // No length cap: the overflow check below bounds the value, and leading zeros (Long.parseLong accepts
        // them) may make a valid number longer than 19 digits (found by the router fuzz target).
        // Offsets, not a slice: a slice of the request's bytes is a retain and a release (a heartbeat's timestamp).
        guard let range = rawOffsets(name), !range.isEmpty else { return nil }
        var overflow = false
        let digits: Int64? = self.bytes.withUnsafeBufferPointer { all in
            let bytes = UnsafeBufferPointer(rebasing: all[range])
            if bytes.count <= 18 {
                // Eighteen digits cannot overflow: no overflow checks per digit (a heartbeat's 13-digit timestamp).
                var result: Int64 = 0
                for byte in bytes {
                    let digit = byte &- 48
                    guard digit < 10 else { return nil }
                    result = result &* 10 &+ Int64(digit)
                }
                return result
            }
            var result: Int64 = 0
            for byte in bytes {
                guard byte >= 48, byte <= 57 else { return nil }
                // 19 digits can exceed Int64.max: that is "not a number" (it used to trap the whole server).
                let (times10, o1) = result.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times10.addingReportingOverflow(Int64(byte &- 48))
                if o1 || o2 { overflow = true; return nil }
                result = sum
            }
            return result
        }
        if let digits { return digits }
        if overflow { return nil }
        let value = self.bytes[(self.bytes.startIndex + range.lowerBound)..<(self.bytes.startIndex + range.upperBound)]
        return value.contains(UInt8(ascii: "%")) ? Int64(self.value(name)!) : nil
    }

    /// Every parameter in order, decoded; the first value of a repeated name wins.
    var allPairs: [(String, String)] {
        var seen = Set<String>()
        var pairs: [(String, String)] = []
        for part in bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let equals = part.firstIndex(of: UInt8(ascii: "="))
            let name = PercentDecoding.decode(equals.map { part[..<$0] } ?? part, plusIsSpace: true)
            let value = equals.map { PercentDecoding.decode(part[($0 + 1)...], plusIsSpace: true) } ?? ""
            if seen.insert(name).inserted { pairs.append((name, value)) }
        }
        return pairs
    }

    private func raw(_ name: StaticString) -> ArraySlice<UInt8>? {
        guard let found = rawOffsets(name) else { return nil }
        return bytes[(bytes.startIndex + found.lowerBound)..<(bytes.startIndex + found.upperBound)]
    }

    /// Where the first value of `name` is, as offsets from the query's first byte.
    @inline(__always)
    private func rawOffsets(_ name: StaticString) -> Range<Int>? {
        let nameLength = name.utf8CodeUnitCount
        let nameBytes = name.utf8Start
        // Offsets into the contiguous bytes, without the slice's per-byte bounds checks.
        let found: Range<Int>? = bytes.withUnsafeBufferPointer { buffer in
            let count = buffer.count
            var start = 0
            while start < count {
                // memchr finds the parameter's end: the byte loop was ~150 instructions a heartbeat (callgrind).
                let end = memchr(buffer.baseAddress! + start, Int32(UInt8(ascii: "&")), count - start)
                    .map { UnsafeRawPointer($0) - UnsafeRawPointer(buffer.baseAddress!) } ?? count
                if end - start >= nameLength, memcmp(buffer.baseAddress! + start, nameBytes, nameLength) == 0 {
                    if end - start == nameLength { return end..<end }
                    if buffer[start + nameLength] == UInt8(ascii: "=") { return (start + nameLength + 1)..<end }
                }
                start = end + 1
            }
            return nil
        }
        return found
    }
}
