import CMalloc
import Glibc
import Testing
@testable import Server

/// Issue 19 (memory): the buffer the registry documents are built in grows and is trimmed with `realloc`, so a
/// document is never held twice and no slack is kept.
@Suite struct GrowableBytesTests {
    @Test func growsFromATinyReservationThroughEveryAppend() {
        var buffer = GrowableBytes(capacity: 1)
        var expected: [UInt8] = []
        for round in 0..<2_000 {
            let byte = UInt8(truncatingIfNeeded: round)
            buffer.append(byte)
            expected.append(byte)
            let run = [UInt8](repeating: byte &+ 1, count: round % 300)
            run.withUnsafeBufferPointer { buffer.append(contentsOf: $0) }
            expected += run
        }
        #expect(Array(buffer.bytes) == expected)
        #expect(buffer.capacity >= buffer.count)
    }

    @Test func appendInPlaceGivesAtLeastTheMinimumAndKeepsWhatWasWritten() {
        var buffer = GrowableBytes(capacity: 8)
        buffer.append(1)
        buffer.appendInPlace(minimum: 100) { free in
            #expect(free.count >= 100)
            for index in 0..<100 { free[index] = 2 }
            return 100
        }
        buffer.appendInPlace(minimum: 1) { _ in 0 }
        #expect(Array(buffer.bytes) == [1] + [UInt8](repeating: 2, count: 100))
    }

    /// The trim keeps the block where it is (glibc's smaller `realloc` splits a heap block and shrinks a mapping in
    /// place), so the finished document is not copied, and it keeps no more than its bytes plus a page. A
    /// sanitizer's allocator copies on every `realloc`, so there only the size is checked.
    @Test(arguments: [3_000, 3_000_000])
    func takeFittedTrimsInPlaceToTheBytes(size: Int) {
        var buffer = GrowableBytes(capacity: size * 2)
        let chunk = [UInt8](repeating: 7, count: 1_000)
        while buffer.count < size { chunk.withUnsafeBufferPointer { buffer.append(contentsOf: $0) } }
        let before = buffer.base
        let (block, count) = buffer.takeFitted()
        defer { free(block) }
        if getenv("EUREKA_SANITIZER") == nil { #expect(block == before) }
        #expect(count == size)
        #expect(malloc_usable_size(block) < size + 4_096 + 64)
        #expect(UnsafeBufferPointer(start: block, count: count).allSatisfy { $0 == 7 })
    }

    /// What the cache keeps of a document: its bytes, not the reservation (here an estimate three times too high).
    @Test func aSharedDocumentHoldsNoSlack() {
        let apps = Applications(applications: [
            Application(name: "ORDERS", instances: (0..<2_000).map { instance("i-\($0)") })])
        let plain = ApplicationsCodec.encode(apps, format: .json, representation: .full)
        let shared = ApplicationsCodec.encodeShared(apps, format: .json, representation: .full, capacity: plain.count * 3)
        #expect(shared.count == plain.count)
        #expect(malloc_usable_size(shared.base) < plain.count + 4_096 + 64)
    }
}
