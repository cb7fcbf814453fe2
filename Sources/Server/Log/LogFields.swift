/// One log line being written into its byte buffer, field after field, in logfmt or JSON. The event log hands one to
/// the caller of `EventLog.log(_:_:fields:)`, which appends its fields straight from the values it has: no array of
/// fields, no `LogValue` per field and no String per key (the array form cost ~5,000 of the ~6,700 instructions of a
/// registration's info line, bench/callgrind-register.sh). The array form (`LogLine.render`) writes through here
/// too, so both forms give the same bytes.
///
/// The bytes live in memory of its own, not in an `[UInt8]`: an array append costs ~90 instructions of uniqueness and
/// capacity checks around its copy, and a line is ~25 appends. A `LogFields` is only ever used in place (`inout`)
/// by the one owner that made it (`make`) and frees it (`free`): a copy would share the memory.
struct LogFields {
    let format: LogSettings.Format
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int

    private init(format: LogSettings.Format, capacity: Int) {
        self.format = format
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    /// A line with memory of its own, which its owner must `free`.
    static func make(format: LogSettings.Format, capacity: Int = 256) -> LogFields {
        LogFields(format: format, capacity: max(capacity, 16))
    }

    func free() { base.deallocate() }

    /// The line written so far.
    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    /// Empties the line, keeping its memory for the next.
    mutating func removeAll() { count = 0 }

    /// Starts the line: its timestamp (`timestamp` appends the field), level and event name.
    mutating func begin(level: LogLevel, event: String, timestamp: (inout LogFields) -> Void) {
        if format == .json { append(UInt8(ascii: "{")) }
        timestamp(&self)
        text("level", level.name)
        text("event", event)
    }

    /// The same with the timestamp written from `millis` (its second from `stamps`). A timestamp never needs quoting
    /// or escaping, so the bytes are those of the `.text` timestamp field.
    mutating func begin(millis: Int64, level: LogLevel, event: String, stamps: inout TimestampCache) {
        begin(level: level, event: event) { line in
            switch line.format {
            case .logfmt:
                line.appendStatic("ts=")
                stamps.append(millis: millis, to: &line)
            case .json:
                line.appendStatic("\"ts\":\"")
                stamps.append(millis: millis, to: &line)
                line.append(UInt8(ascii: "\""))
            }
        }
    }

    /// Ends the line (and its object in JSON) with its newline.
    mutating func end() {
        if format == .json { append(UInt8(ascii: "}")) }
        append(UInt8(ascii: "\n"))
    }

    // MARK: fields by literal key (the hot lines': keys are plain names, written as they are)

    mutating func text(_ key: StaticString, _ value: String) {
        appendKey(key)
        appendText(value)
    }

    mutating func bool(_ key: StaticString, _ value: Bool) {
        appendKey(key)
        appendStatic(value ? "true" : "false")
    }

    mutating func int(_ key: StaticString, _ value: Int) {
        appendKey(key)
        appendUTF8(String(value))
    }

    // MARK: fields by String key (the array form)

    /// A field after the first (`first`: no separator before it).
    mutating func field(_ key: String, _ value: LogValue, first: Bool = false) {
        if !first { append(format == .json ? UInt8(ascii: ",") : UInt8(ascii: " ")) }
        switch format {
        case .logfmt:
            appendUTF8(key)
            append(UInt8(ascii: "="))
        case .json:
            appendJSON(key)
            append(UInt8(ascii: ":"))
        }
        switch value {
        case .int(let number): appendUTF8(String(number))
        case .bool(let flag): appendStatic(flag ? "true" : "false")
        case .text(let text): appendText(text)
        }
    }

    // MARK: bytes

    mutating func append(_ byte: UInt8) {
        if count == capacity { grow(to: count + 1) }
        base[count] = byte
        count += 1
    }

    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        if count + bytes.count > capacity { grow(to: count + bytes.count) }
        (base + count).update(from: source, count: bytes.count)
        count += bytes.count
    }

    mutating func appendStatic(_ text: StaticString) {
        append(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    private mutating func appendUTF8(_ text: String) {
        var text = text
        text.withUTF8 { append($0) }
    }

    private mutating func grow(to needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        grown.update(from: base, count: count)
        base.deallocate()
        base = grown
        capacity = newCapacity
    }

    /// ` key=` or `,"key":` of a literal key (a plain name: no byte to quote or escape in either format).
    private mutating func appendKey(_ key: StaticString) {
        switch format {
        case .logfmt:
            append(UInt8(ascii: " "))
            appendStatic(key)
            append(UInt8(ascii: "="))
        case .json:
            appendStatic(",\"")
            appendStatic(key)
            appendStatic("\":")
        }
    }

    /// A JSON string with its quotes, escaped as the codecs escape (rare here: the JSON log format).
    private mutating func appendJSON(_ text: String) {
        var json: [UInt8] = []
        json.appendJSONString(text)
        json.withUnsafeBufferPointer { append($0) }
    }

    /// A text value: bare in logfmt when it has no blank, quote, `=` or control character, else quoted with `\"`,
    /// `\\`, `\n` escaped; a JSON string in JSON.
    private mutating func appendText(_ text: String) {
        guard format == .logfmt else { return appendJSON(text) }
        // The String's own bytes, tested and copied in one go (its UTF8View goes byte by byte).
        var text = text
        let plain = text.withUTF8 { bytes in
            guard Self.isPlainLogfmt(bytes) else { return false }
            append(bytes)
            return true
        }
        if !plain { appendUTF8(Self.quotedLogfmt(text)) }
    }

    /// The byte form of the bare test: every byte of a scalar above U+007F is above 0x7F too.
    private static func isPlainLogfmt(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !bytes.isEmpty else { return false }
        for byte in bytes where byte <= 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "=")
            || byte == UInt8(ascii: "\\") || byte == 0x7F {
            return false
        }
        return true
    }

    /// A value that is not plain, quoted (rare: the common values are names and ids).
    private static func quotedLogfmt(_ text: String) -> String {
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
