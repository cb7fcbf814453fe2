/// One field value of a log line.
enum LogValue: Sendable, Equatable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    case text(String)
    case int(Int)
    case bool(Bool)

    init(stringLiteral value: String) { self = .text(value) }
    init(integerLiteral value: Int) { self = .int(value) }
}

/// Renders one line (with its newline) in logfmt or JSON; the field order is the order given.
enum LogLine {
    static func render(_ format: LogSettings.Format, ts: String, level: LogLevel, event: String,
                       fields: [(String, LogValue)]) -> String {
        // Bytes appended into one buffer: the map/interpolate/join form cost ~20,000 instructions per line
        // (callgrind), and every registration writes one.
        var line = LogFields.make(format: format)
        defer { line.free() }
        line.begin(level: level, event: event) { fields in fields.field("ts", .text(ts), first: true) }
        for (key, value) in fields { line.field(key, value) }
        line.end()
        return String(decoding: line.bytes, as: UTF8.self)
    }

    /// The same line appended to `out`, its timestamp written from `millis` straight into it: the event log's form,
    /// with no String for the timestamp or the line (they cost ~3,000 instructions of a registration's line). A
    /// timestamp never needs quoting or escaping, so the bytes are those of `render(_:ts:...)` with `timestamp`.
    static func render(_ format: LogSettings.Format, millis: Int64, level: LogLevel, event: String,
                       fields: [(String, LogValue)], into out: inout [UInt8]) {
        var stamps = TimestampCache()
        render(format, millis: millis, level: level, event: event, fields: fields, into: &out, stamps: &stamps)
    }

    /// The same, the timestamp's date and time taken from `stamps` when the last line was in the same second.
    static func render(_ format: LogSettings.Format, millis: Int64, level: LogLevel, event: String,
                       fields: [(String, LogValue)], into out: inout [UInt8], stamps: inout TimestampCache) {
        var line = LogFields.make(format: format)
        defer { line.free() }
        render(millis: millis, level: level, event: event, fields: fields, into: &line, stamps: &stamps)
        out.append(contentsOf: line.bytes)
    }

    /// The same written into `line` (emptied first): the event log's form.
    static func render(millis: Int64, level: LogLevel, event: String, fields: [(String, LogValue)],
                       into line: inout LogFields, stamps: inout TimestampCache) {
        line.removeAll()
        line.begin(millis: millis, level: level, event: event, stamps: &stamps)
        for (key, value) in fields { line.field(key, value) }
        line.end()
    }

    /// `2026-12-05T00:57:02.123Z` from Unix milliseconds (proleptic Gregorian calendar, UTC).
    static func timestamp(millis: Int64) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(24)
        appendTimestamp(millis: millis, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static func appendTimestamp(millis: Int64, to out: inout [UInt8]) {
        let (seconds, ms) = millis.quotientAndRemainder(dividingBy: 1_000)
        let (dayCount, secondOfDay) = seconds.quotientAndRemainder(dividingBy: 86_400)
        var days = dayCount
        var second = secondOfDay
        if second < 0 { second += 86_400; days -= 1 }
        let (year, month, day) = civil(daysSinceEpoch: days)
        let milli = ms < 0 ? ms + 1_000 : ms
        // Digits written into a fixed buffer (interpolation cost ~6,000 instructions per log line); a year outside
        // 1000...9999 keeps its own width, as `\(year)` writes it.
        if (1_000...9_999).contains(year) { appendDigits(year, width: 4, to: &out) } else { out.append(contentsOf: "\(year)".utf8) }
        out.append(UInt8(ascii: "-"))
        appendDigits(month, width: 2, to: &out)
        out.append(UInt8(ascii: "-"))
        appendDigits(day, width: 2, to: &out)
        out.append(UInt8(ascii: "T"))
        appendDigits(second / 3_600, width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        appendDigits(second / 60 % 60, width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        appendDigits(second % 60, width: 2, to: &out)
        out.append(UInt8(ascii: "."))
        appendDigits(milli, width: 3, to: &out)
        out.append(UInt8(ascii: "Z"))
    }

    /// `value` (0 or more, below 10^width) as exactly `width` decimal digits.
    private static func appendDigits(_ value: Int64, width: Int, to out: inout [UInt8]) {
        var divisor: Int64 = 1
        for _ in 1..<width { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            out.append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }

    /// Year, month and day of a day count from 1970-01-01, by 400-year eras of 146,097 days.
    private static func civil(daysSinceEpoch: Int64) -> (Int64, Int64, Int64) {
        let shifted = daysSinceEpoch + 719_468  // days from 0000-03-01
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153  // March = 0
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }
}
