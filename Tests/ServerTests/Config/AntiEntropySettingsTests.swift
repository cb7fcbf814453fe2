@testable import Server
import Testing

/// docs/anti-entropy.md settings: the interval is 0 (off) or at least 5000 ms, the tombstone lifetime at least twice
/// the interval; anything else stops start-up with a message naming the setting.
@Suite struct AntiEntropySettingsTests {
    @Test func offByDefaultWithTenMinuteTombstones() throws {
        let config = try ConfigLoader.load(arguments: [])
        #expect(config.antiEntropyIntervalMs == 0 && config.antiEntropyTombstoneMs == 600_000)
        try EurekaNode.validate(config)
        #expect(EurekaNode.registrySettings(config, ownId: "me").tombstoneRetentionMs == 0)  // no tombstones while off
    }

    @Test(arguments: ["0", "5000", "30000"])
    func intervalsAccepted(value: String) throws {
        let config = try ConfigLoader.load(arguments: ["--eureka.node.anti-entropy-interval-ms=\(value)"])
        #expect(config.antiEntropyIntervalMs == Int64(value))
        try EurekaNode.validate(config)
    }

    @Test(arguments: ["1", "4999", "-5", "soon"])
    func intervalsRefused(value: String) {
        do {
            _ = try ConfigLoader.load(arguments: ["--eureka.node.anti-entropy-interval-ms=\(value)"])
            Issue.record("accepted \(value)")
        } catch {
            #expect(error.description.contains("bad value '\(value)' for setting 'eureka.node.anti-entropy-interval-ms'"))
        }
    }

    @Test func tombstonesMustOutliveTwoIntervals() throws {
        let short = try ConfigLoader.load(arguments: ["--eureka.node.anti-entropy-interval-ms=400000"])
        #expect(throws: ConfigError.unusableValue(name: "eureka.node.anti-entropy-tombstone-ms", value: "600000",
                                                  reason: "must be at least twice eureka.node.anti-entropy-interval-ms")) {
            try EurekaNode.validate(short)
        }
        let enough = try ConfigLoader.load(arguments: ["--eureka.node.anti-entropy-interval-ms=400000",
                                                       "--eureka.node.anti-entropy-tombstone-ms=800000"])
        try EurekaNode.validate(enough)
        #expect(EurekaNode.registrySettings(enough, ownId: "me").tombstoneRetentionMs == 800_000)
        #expect(throws: ConfigError.self) { try ConfigLoader.load(arguments: ["--eureka.node.anti-entropy-tombstone-ms=0"]) }
    }
}
