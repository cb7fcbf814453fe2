/// Where the JSON and XML writers append: `[UInt8]` for small outputs (one instance, a log line), `GrowableBytes`
/// for the registry documents (built where they are kept, see GrowableBytes). The writers are generic over it and
/// specialized for each, so neither pays for the other.
protocol ByteSink: ~Copyable {
    mutating func append(_ byte: UInt8)
    mutating func append(contentsOf bytes: UnsafeBufferPointer<UInt8>)
}

extension Array: ByteSink where Element == UInt8 {}
extension GrowableBytes: ByteSink {}

/// Appending primitives shared by the JSON and XML writers, on a byte buffer, so a document of 100,000 instances
/// is built in one growing buffer, with no String per field.
extension ByteSink where Self: ~Copyable {
    /// Literal syntax and key names: copied straight from the binary's read-only data.
    @inline(__always)
    mutating func appendStatic(_ text: StaticString) {
        text.withUTF8Buffer { append(contentsOf: $0) }
    }

    /// Decimal digits formed on the stack and appended in one copy; String interpolation would
    /// allocate per number.
    mutating func appendDecimal(_ value: Int64) {
        withDecimalDigits(value) { append(contentsOf: $0) }
    }

    @inline(__always)
    mutating func appendDecimal(_ value: Int) {
        appendDecimal(Int64(value))
    }
}

extension String {
    /// The string's UTF-8 bytes, in place for native strings (all the codecs see); others are
    /// copied once.
    @inline(__always)
    func withUTF8Bytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let result = utf8.withContiguousStorageIfAvailable(body) { return result }
        return Array(utf8).withUnsafeBufferPointer(body)
    }
}

extension ByteSink where Self: ~Copyable {
    /// The status's wire spelling without building a String.
    mutating func appendStatus(_ status: InstanceStatus) {
        switch status {
        case .up: appendStatic("UP")
        case .down: appendStatic("DOWN")
        case .starting: appendStatic("STARTING")
        case .outOfService: appendStatic("OUT_OF_SERVICE")
        case .unknown: appendStatic("UNKNOWN")
        }
    }
}
