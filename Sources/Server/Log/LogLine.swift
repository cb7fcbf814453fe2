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
        var all: [(String, LogValue)] = [("ts", .text(ts)), ("level", .text(level.name)), ("event", .text(event))]
        all.append(contentsOf: fields)
        switch format {
        case .logfmt:
            return all.map { "\($0.0)=\(logfmt($0.1))" }.joined(separator: " ") + "\n"
        case .json:
            return "{" + all.map { "\(jsonString($0.0)):\(json($0.1))" }.joined(separator: ",") + "}\n"
        }
    }

    /// Bare when the value has no blank, quote, `=` or control character; else quoted with `\"`, `\\`, `\n` escaped.
    private static func logfmt(_ value: LogValue) -> String {
        switch value {
        case .int(let number): return String(number)
        case .bool(let flag): return flag ? "true" : "false"
        case .text(let text):
            let plain = !text.isEmpty && text.unicodeScalars.allSatisfy { $0.value > 0x20 && $0 != "\"" && $0 != "=" && $0 != "\\" && $0.value != 0x7F }
            if plain { return text }
            var out = "\""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                default: out.unicodeScalars.append(scalar.value < 0x20 ? " " : scalar)
                }
            }
            return out + "\""
        }
    }

    private static func json(_ value: LogValue) -> String {
        switch value {
        case .int(let number): String(number)
        case .bool(let flag): flag ? "true" : "false"
        case .text(let text): jsonString(text)
        }
    }

    /// The codecs' JSON string escaping (Codec/JSONWriter.swift), shared rather than written again.
    private static func jsonString(_ text: String) -> String {
        var bytes: [UInt8] = []
        bytes.appendJSONString(text)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `2026-12-05T00:57:02.123Z` from Unix milliseconds (proleptic Gregorian calendar, UTC).
    static func timestamp(millis: Int64) -> String {
        let (seconds, ms) = millis.quotientAndRemainder(dividingBy: 1_000)
        let (dayCount, secondOfDay) = seconds.quotientAndRemainder(dividingBy: 86_400)
        var days = dayCount
        var second = secondOfDay
        if second < 0 { second += 86_400; days -= 1 }
        let (year, month, day) = civil(daysSinceEpoch: days)
        func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let milli = ms < 0 ? ms + 1_000 : ms
        let msText = milli < 10 ? "00\(milli)" : milli < 100 ? "0\(milli)" : "\(milli)"
        return "\(year)-\(two(month))-\(two(day))T\(two(second / 3_600)):\(two(second / 60 % 60)):\(two(second % 60)).\(msText)Z"
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
