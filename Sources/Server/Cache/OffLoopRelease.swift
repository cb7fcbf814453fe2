/// Hands a value to a pool thread so that its last release happens there: dropping a 100,000-record build
/// order (millions of reference-count decrements) or a 160 MB payload (unmapping its pages) costs tens of
/// milliseconds, which on the loop is a stall. `take()` moves the value out, so once the pool's work returns,
/// nothing on the loop still holds it. @unchecked Sendable: the value is only touched by whoever takes it.
final class HandOff<Value>: @unchecked Sendable {
    private var value: Value?

    init(_ value: Value) { self.value = value }

    func take() -> Value? {
        defer { value = nil }
        return value
    }
}
