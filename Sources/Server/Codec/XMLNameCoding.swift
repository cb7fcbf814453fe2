/// XStream's `XmlFriendlyNameCoder("_-", "__")` as Eureka configures it (spec 3.6): metadata keys
/// become element names. `_` → `__`, `$` → `_-`, and every UTF-16 unit that may not stand at its
/// place in an XML name → `_.` + 4 lower-case hex digits. Java works on UTF-16 units, so a scalar
/// outside the BMP becomes two escapes (its surrogates); decoding joins them again.
enum XMLNameCoding {
    static func encode(_ key: String) -> String {
        var out: [UInt8] = []
        append(encoding: key, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Writes the coded name straight into an output buffer; names that need no coding (nearly all)
    /// are copied in one step.
    static func append<Out: ByteSink & ~Copyable>(encoding key: String, to out: inout Out) {
        let plain = key.withUTF8Bytes { bytes -> Bool in
            for (index, byte) in bytes.enumerated() where !isPlainASCII(byte, first: index == 0) { return false }
            out.append(contentsOf: bytes)
            return true
        }
        if plain { return }
        for (index, unit) in key.utf16.enumerated() {
            switch unit {
            case UInt16(UInt8(ascii: "$")): out.appendStatic("_-")
            case UInt16(UInt8(ascii: "_")): out.appendStatic("__")
            default:
                if index == 0 ? isNameStart(unit) : isNameCharacter(unit) {
                    for byte in UTF8.encode(Unicode.Scalar(unit)!)! { out.append(byte) }
                } else {
                    out.appendStatic("_.")
                    for shift in stride(from: 12, through: 0, by: -4) {
                        out.append(hexDigit(UInt8(truncatingIfNeeded: unit >> UInt16(shift)) & 0x0F))
                    }
                }
            }
        }
    }

    /// The inverse: `_-` → `$`, `_.XXXX` → that UTF-16 unit, `__` → `_`; any other `_` stays, as in
    /// XStream. A `_.` not followed by four hex digits is kept literally rather than failing the body.
    static func decode(_ name: String) -> String {
        guard name.utf8.contains(UInt8(ascii: "_")) else { return name }
        let units = Array(name.utf16)
        var decoded: [UInt16] = []
        decoded.reserveCapacity(units.count)
        var index = 0
        while index < units.count {
            let unit = units[index]
            if unit == UInt16(UInt8(ascii: "_")), index + 1 < units.count {
                switch units[index + 1] {
                case UInt16(UInt8(ascii: "-")):
                    decoded.append(UInt16(UInt8(ascii: "$")))
                    index += 2
                    continue
                case UInt16(UInt8(ascii: ".")):
                    if let coded = hexUnit(units, at: index + 2) {
                        decoded.append(coded)
                        index += 6
                        continue
                    }
                case UInt16(UInt8(ascii: "_")):
                    decoded.append(unit)
                    index += 2
                    continue
                default:
                    break
                }
            }
            decoded.append(unit)
            index += 1
        }
        return String(decoding: decoded, as: UTF16.self)
    }

    private static func hexUnit(_ units: [UInt16], at start: Int) -> UInt16? {
        guard start + 4 <= units.count else { return nil }
        var value: UInt16 = 0
        for unit in units[start..<(start + 4)] {
            guard unit < 0x80, let digit = hexValue(UInt8(unit)) else { return nil }
            value = value << 4 | UInt16(digit)
        }
        return value
    }

    /// ASCII that the coder leaves alone: letters and `:` anywhere, digits `-` `.` after the first.
    private static func isPlainASCII(_ byte: UInt8, first: Bool) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: ":"): return true
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."): return !first
        default: return false
        }
    }

    /// XML's NameStartChar over one UTF-16 unit, as XStream tests it (so surrogates never match).
    private static func isNameStart(_ unit: UInt16) -> Bool {
        switch unit {
        case 0x3A, 0x41...0x5A, 0x5F, 0x61...0x7A, 0xC0...0xD6, 0xD8...0xF6, 0xF8...0x2FF, 0x370...0x37D,
             0x37F...0x1FFF, 0x200C...0x200D, 0x2070...0x218F, 0x2C00...0x2FEF, 0x3001...0xD7FF,
             0xF900...0xFDCF, 0xFDF0...0xFFFD:
            return true
        default:
            return false
        }
    }

    private static func isNameCharacter(_ unit: UInt16) -> Bool {
        switch unit {
        case 0x2D, 0x2E, 0x30...0x39, 0xB7, 0x300...0x36F, 0x203F...0x2040: return true
        default: return isNameStart(unit)
        }
    }
}
