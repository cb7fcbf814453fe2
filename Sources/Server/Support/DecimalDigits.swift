/// The ASCII decimal form of an integer, formed on the stack: what the document writers append and what the
/// anti-entropy hash feeds, without a String per number.
@inline(__always)
func withDecimalDigits<R>(_ value: Int64, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
        var rest = value.magnitude
        var index = digits.count
        repeat {
            index -= 1
            digits[index] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest % 10)
            rest /= 10
        } while rest > 0
        if value < 0 {
            index -= 1
            digits[index] = UInt8(ascii: "-")
        }
        return body(UnsafeBufferPointer(rebasing: digits[index...]))
    }
}
