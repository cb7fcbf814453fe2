/// A double-ended queue in one growable ring buffer: O(1) amortised `append` and `prepend`, O(1) `popFirst`.
/// The dispatcher's processing order needs all three (new tasks at the back, retries at the front, batches
/// from the front, spec 7.6); an Array's `removeFirst` is O(n), and swift-collections' Deque is not a
/// dependency of this package. The ring only grows (to the pool's high-water mark, 10,000 ids by default).
struct RingDeque<Element> {
    private var slots: [Element?] = []
    private var head = 0
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    var first: Element? { count == 0 ? nil : slots[head] }

    mutating func append(_ element: Element) {
        growIfFull()
        slots[(head + count) % slots.count] = element
        count += 1
    }

    mutating func prepend(_ element: Element) {
        growIfFull()
        head = (head + slots.count - 1) % slots.count
        slots[head] = element
        count += 1
    }

    mutating func popFirst() -> Element? {
        guard count > 0 else { return nil }
        let element = slots[head]
        slots[head] = nil  // the slot must not keep the element (a String id, a task) alive
        head = (head + 1) % slots.count
        count -= 1
        return element
    }

    /// Doubles the ring, unrolling it so the front sits at index 0 again.
    private mutating func growIfFull() {
        guard count == slots.count else { return }
        var grown = [Element?](repeating: nil, count: Swift.max(16, slots.count * 2))
        for offset in 0..<count { grown[offset] = slots[(head + offset) % slots.count] }
        slots = grown
        head = 0
    }
}
