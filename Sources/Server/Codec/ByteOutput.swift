/// Appending primitives shared by the JSON and XML writers. They work on a plain `[UInt8]` so a
/// document of 100,000 instances is built in one growing buffer, with no String per field.
extension Array where Element == UInt8 {
    /// Literal syntax and key names: copied straight from the binary's read-only data.
    @inline(__always)
    mutating func appendStatic(_ text: StaticString) {
        text.withUTF8Buffer { append(contentsOf: $0) }
    }

    /// Decimal digits written in place; String interpolation would allocate per number.
    mutating func appendDecimal(_ value: Int64) {
        if value < 0 { append(UInt8(ascii: "-")) }
        var rest = value.magnitude
        var digits = 1
        var probe = rest
        while probe >= 10 {
            probe /= 10
            digits += 1
        }
        let start = count
        append(contentsOf: repeatElement(UInt8(ascii: "0"), count: digits))
        var index = start + digits - 1
        repeat {
            self[index] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest % 10)
            rest /= 10
            index -= 1
        } while rest > 0
    }

    @inline(__always)
    mutating func appendDecimal(_ value: Int) {
        appendDecimal(Int64(value))
    }
}

extension String {
    /// The string's UTF-8 bytes without copying a native string. `withUTF8` needs a mutable copy,
    /// which costs nothing for the native strings the codecs see.
    @inline(__always)
    func withUTF8Bytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        var copy = self
        return copy.withUTF8(body)
    }
}
