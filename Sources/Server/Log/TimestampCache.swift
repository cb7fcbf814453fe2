/// The date and time of a log line's timestamp up to the second, kept from the last line: lines of the same second
/// (every registration of a busy second) append those 20 bytes as they are and write only the milliseconds. The
/// calendar arithmetic and digit by digit appends of the whole stamp cost ~2,300 instructions of a registration's
/// line (bench/callgrind-register.sh). The bytes are exactly `LogLine.appendTimestamp`'s.
struct TimestampCache {
    /// Unix seconds of `prefix`; nil before the first line.
    private var second: Int64?
    /// `2026-12-05T00:57:02.` for `second`.
    private var prefix: [UInt8] = []

    mutating func append(millis: Int64, to out: inout [UInt8]) {
        let milli = prepare(millis: millis)
        out.append(contentsOf: prefix)
        out.append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: milli / 100))
        out.append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: milli / 10 % 10))
        out.append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: milli % 10))
        out.append(UInt8(ascii: "Z"))
    }

    /// The same bytes appended to a line being written.
    mutating func append(millis: Int64, to line: inout LogFields) {
        let milli = prepare(millis: millis)
        prefix.withUnsafeBufferPointer { line.append($0) }
        line.append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: milli / 100))
        line.append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: milli / 10 % 10))
        line.append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: milli % 10))
        line.append(UInt8(ascii: "Z"))
    }

    /// Makes `prefix` that of `millis`'s second; returns its milliseconds (0...999).
    private mutating func prepare(millis: Int64) -> Int {
        // Truncating division, as `appendTimestamp` divides (so a time before 1970 reads as it does there).
        let (seconds, remainder) = millis.quotientAndRemainder(dividingBy: 1_000)
        if second != seconds {
            var stamp: [UInt8] = []
            stamp.reserveCapacity(24)
            LogLine.appendTimestamp(millis: seconds * 1_000, to: &stamp)
            stamp.removeLast(4)  // "000Z": the milliseconds and the zone are written per line
            prefix = stamp
            second = seconds
        }
        return Int(remainder < 0 ? remainder + 1_000 : remainder)
    }
}
