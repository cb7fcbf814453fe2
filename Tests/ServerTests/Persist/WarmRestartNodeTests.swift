import Foundation
import Testing
@testable import Server

/// Warm restart in a real node (docs/warm-restart.md): the stop writes a final snapshot and its loop still closes
/// clean; the next node on the same path starts with the instances as provisional leases.
@Suite(.serialized) struct WarmRestartNodeTests {
    @Test func stopWritesAFinalSnapshotAndTheNextNodeRestoresIt() throws {
        let dir = try ScratchDirectory()
        let settings = ["--eureka.node.snapshot-path=\(dir.file("s"))", "--eureka.node.snapshot-interval-ms=0"]
        let first = try TestNode(settings)
        let registered = first.running.sync { node in
            node.registry.register(instance("a"), leaseDurationSecs: 90, isReplication: false)
            node.registry.register(instance("b", app: "BILLING"), leaseDurationSecs: 90, isReplication: false)
            return node.registry.instanceCount
        }
        #expect(registered == 2)
        first.stop()
        let bytes = try #require(dir.contents("s"))
        #expect(try SnapshotFormat.decode(bytes, now: 0).records.map(\.instance.effectiveId).sorted() == ["a", "b"])

        let second = try TestNode(settings)
        let restored = second.running.sync { node in (node.registry.instanceCount, node.registry.provisionalCount) }
        #expect(restored == (2, 2))
        second.stop()
    }

    @Test func theIntervalWritesOnceTheRegistryChanged() throws {
        let dir = try ScratchDirectory()
        let node = try TestNode(["--eureka.node.snapshot-path=\(dir.file("s"))", "--eureka.node.snapshot-interval-ms=1000"])
        defer { node.stop() }
        node.running.sync { _ = $0.registry.register(instance("a"), leaseDurationSecs: 90, isReplication: false) }
        var waited = 0
        while dir.contents("s") == nil, waited < 5_000 {
            usleep(20_000)
            waited += 20
        }
        let bytes = try #require(dir.contents("s"))
        #expect(try SnapshotFormat.decode(bytes, now: 0).records.map(\.instance.effectiveId) == ["a"])
    }

    @Test func aCorruptSnapshotIsSkippedAndTheNodeStartsEmpty() throws {
        let dir = try ScratchDirectory()
        var bytes = SnapshotFormat.encode(SnapshotFormatTests.sample)
        bytes[bytes.count / 2] ^= 0x01
        dir.put("s", bytes)
        let node = try TestNode(["--eureka.node.snapshot-path=\(dir.file("s"))"])
        #expect(node.running.sync { $0.registry.instanceCount } == 0)
        node.stop()
    }

    @Test func settingsAreCheckedAtStartUp() throws {
        let dir = try ScratchDirectory()
        var config = ServerConfig()
        config.snapshotPath = dir.file("missing/s")
        #expect(throws: ConfigError.self) { try EurekaNode.validate(config) }
        config.snapshotPath = dir.file("s")
        try EurekaNode.validate(config)
        #expect(throws: ConfigError.self) { try ConfigLoader.load(arguments: ["--eureka.node.snapshot-interval-ms=999"]) }
        #expect(try ConfigLoader.load(arguments: ["--eureka.node.snapshot-interval-ms=0"]).snapshotIntervalMs == 0)
        #expect(try ConfigLoader.load(arguments: []).snapshotPath.isEmpty)
        #expect(ConfigLoader.helpText.contains("eureka.node.snapshot-path"))
    }
}
