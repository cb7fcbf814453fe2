import Glibc
@testable import Server
import Testing

/// The bound on superseded versions held by writing connections, on unconnected streams of a test loop.
@Suite struct PinnedPayloadsTests {
    private func version(_ sequence: UInt64, lineage: Int = 1) -> BodyVersion { BodyVersion(lineage: lineage, sequence: sequence) }

    @Test func holdersOfTheOldestSupersededVersionsCloseOnceOverTheBound() throws {
        let loop = try makeTestLoop()
        let streams = try (0..<4).map { _ in try TCPStream(loop: loop) }
        let pins = PinnedPayloads(maxSupersededBytes: 150)
        pins.pin(version(1), bytes: 100, by: streams[0])
        pins.pin(version(1), bytes: 100, by: streams[1])  // a version shared by two streams counts once
        #expect(pins.supersededBytes == 0)
        pins.pin(version(2), bytes: 100, by: streams[2])
        #expect(pins.supersededBytes == 100 && pins.disconnected == 0)
        pins.pin(version(3), bytes: 100, by: streams[3])  // 200 superseded: version 1 goes, with both holders
        #expect(pins.supersededBytes == 100 && pins.disconnected == 2)
        #expect(streams[0].isClosing && streams[1].isClosing && !streams[2].isClosing && !streams[3].isClosing)
        pins.release(streams[0])  // their close callbacks release what is already gone: nothing changes
        #expect(pins.supersededBytes == 100 && pins.versionCount == 2)
        pins.release(streams[2])
        #expect(pins.supersededBytes == 0 && pins.versionCount == 1)
        for stream in streams { stream.close() }
        loop.run()  // the close callbacks
        expectLoopClosesClean(loop)
    }

    @Test func otherDocumentsAndTheNewestVersionNeverCount() throws {
        let loop = try makeTestLoop()
        let streams = try (0..<3).map { _ in try TCPStream(loop: loop) }
        let pins = PinnedPayloads(maxSupersededBytes: 0)
        pins.pin(version(5, lineage: 1), bytes: 1_000, by: streams[0])
        pins.pin(version(6, lineage: 2), bytes: 1_000, by: streams[1])
        pins.pin(version(7, lineage: 3), bytes: 1_000, by: streams[2])
        #expect(pins.supersededBytes == 0 && pins.disconnected == 0 && pins.versionCount == 3)
        // An older version of lineage 1 arriving late (a reader served the previous read-only value) is superseded.
        let late = try TCPStream(loop: loop)
        pins.pin(version(4, lineage: 1), bytes: 10, by: late)
        #expect(late.isClosing && pins.disconnected == 1 && pins.supersededBytes == 0)
        for stream in streams + [late] { stream.close() }
        loop.run()
        expectLoopClosesClean(loop)
    }
}
