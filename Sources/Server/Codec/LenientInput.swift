/// The lenient scalar reading of spec 3.7, shared by the JSON and XML decoders so both formats
/// accept exactly the same spellings.
enum LenientInput {
    /// JSON numbers and numeric strings alike. Surrounding whitespace (pretty-printed XML) is ignored;
    /// a fractional value is truncated, as Jackson's default coercion does.
    static func integer(_ text: String) -> Int64? {
        let trimmed = trimmed(text)
        if let value = Int64(trimmed) { return value }
        guard let real = Double(trimmed), real.isFinite, abs(real) < 9.2e18 else { return nil }
        return Int64(real)  // truncates toward zero
    }

    /// `true` in any case, or a non-zero number; anything else is false.
    static func boolean(_ text: String) -> Bool {
        let trimmed = trimmed(text)
        if trimmed.lowercased() == "true" { return true }
        if let number = integer(trimmed) { return number != 0 }
        return false
    }

    static func status(_ text: String) -> InstanceStatus {
        InstanceStatus(lenient: trimmed(text))
    }

    /// Server-set on every change (spec 3.1); read only so documents from peers round-trip.
    static func actionType(_ text: String) -> ActionType? {
        ActionType(rawValue: trimmed(text).uppercased())
    }

    static func dataCenterName(_ text: String) throws(CodecError) -> DataCenterInfo.Name {
        guard let name = DataCenterInfo.Name(lenient: trimmed(text)) else {
            throw .unparseable("unknown dataCenterInfo name \(text)")
        }
        return name
    }

    /// A port number: numeric and within 0...65535 (spec 3.3, OUR range check), else the body is unparseable.
    static func portNumber(_ text: String) throws(CodecError) -> Int {
        guard let value = integer(text), (0...65535).contains(value) else {
            throw .unparseable("bad port number \(text)")
        }
        return Int(value)
    }

    static func requiredInteger(_ text: String, field: StaticString) throws(CodecError) -> Int64 {
        guard let value = integer(text) else { throw .unparseable("\(field) is not a number") }
        return value
    }

    /// Most values carry no surrounding whitespace: those are returned without a copy.
    private static func trimmed(_ text: String) -> String {
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        let utf8 = text.utf8
        guard let first = utf8.first, let last = utf8.last, isSpace(first) || isSpace(last) else { return text }
        let bytes = Array(utf8)
        guard let start = bytes.firstIndex(where: { !isSpace($0) }), let end = bytes.lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(decoding: bytes[start...end], as: UTF8.self)
    }
}
