@testable import Server
import Testing

/// The processing order's ring: appends, prepends and pops across wrap-around and growth behave like an array.
@Suite struct RingDequeTests {
    @Test func behavesLikeAnArrayAcrossWrapAndGrowth() {
        var ring = RingDeque<Int>()
        var model: [Int] = []
        var random = SplitMix64(seed: 7)
        for step in 0..<20_000 {
            switch random.next() % 5 {
            case 0, 1:
                ring.append(step)
                model.append(step)
            case 2:
                ring.prepend(step)
                model.insert(step, at: 0)
            default:
                #expect(ring.popFirst() == (model.isEmpty ? nil : model.removeFirst()))
            }
            #expect(ring.count == model.count)
            #expect(ring.first == model.first)
        }
        while let next = ring.popFirst() { #expect(next == model.removeFirst()) }
        #expect(model.isEmpty && ring.isEmpty)
    }

    @Test func prependOnAnEmptyRingAndDrain() {
        var ring = RingDeque<String>()
        #expect(ring.popFirst() == nil)
        ring.prepend("b")
        ring.prepend("a")
        ring.append("c")
        #expect([ring.popFirst(), ring.popFirst(), ring.popFirst(), ring.popFirst()] == ["a", "b", "c", nil])
    }
}
