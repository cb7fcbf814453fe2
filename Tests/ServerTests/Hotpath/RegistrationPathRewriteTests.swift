import Testing
@testable import Server

/// The registration path's cheaper forms (bench/RESULTS.md, issue 19: log lines built as bytes, metadata maps built
/// by a scan while small, VIP lists without a comma not split) must give exactly what the general forms gave.
@Suite struct RegistrationPathRewriteTests {
    @Test func logfmtLinesKeepBareQuotedAndEscapedValues() {
        let line = LogLine.render(.logfmt, ts: "t", level: .info, event: "e",
                                  fields: [("app", "ORDERS"), ("n", .int(-42)), ("ok", .bool(true)), ("utf", "zürich"),
                                           ("ctl", "a\u{1}b\tc\nd\re\\f"), ("del", "x\u{7F}"), ("eq", "k=v")])
        #expect(line == "ts=t level=info event=e app=ORDERS n=-42 ok=true utf=zürich ctl=\"a b\\tc\\nd\\re\\\\f\" "
                + "del=\"x\u{7F}\" eq=\"k=v\"\n")
    }

    @Test func jsonLinesEscapeKeysAndValues() {
        let line = LogLine.render(.json, ts: "2026-01-01T00:00:00.000Z", level: .warn, event: "e",
                                  fields: [("q\"k", "a\"b\\c\n"), ("n", .int(7)), ("b", .bool(false))])
        #expect(line == "{\"ts\":\"2026-01-01T00:00:00.000Z\",\"level\":\"warn\",\"event\":\"e\",\"q\\\"k\":\"a\\\"b\\\\c\\n\","
                + "\"n\":7,\"b\":false}\n")
    }

    @Test func timestampsPadEveryFieldAndKeepWideYears() {
        #expect(LogLine.timestamp(millis: 1_000_000_000_001) == "2001-09-09T01:46:40.001Z")
        #expect(LogLine.timestamp(millis: 1_000_000_000_099) == "2001-09-09T01:46:40.099Z")
        #expect(LogLine.timestamp(millis: -62_135_596_800_000) == "1-01-01T00:00:00.000Z")
        #expect(LogLine.timestamp(millis: 253_402_300_800_000) == "10000-01-01T00:00:00.000Z")
    }

    /// The same updates applied one by one through the subscript, whatever the size (the scan below 17 entries, the
    /// index above): order, last-wins, removal, and re-adding after removal at the end.
    @Test(arguments: [3, 16, 17, 40])
    func metadataUpdatesAgreeWithTheSubscript(keys: Int) {
        var updates: [(String, String?)] = []
        for round in 0..<3 {
            for k in 0..<keys { updates.append(("k\(k)", "\(round)-\(k)")) }
            for k in stride(from: round, to: keys, by: 3) { updates.append(("k\(k)", nil)) }
        }
        updates.append(("k1", "last"))
        let built = Metadata(updates: updates)
        var assigned = Metadata()
        for (key, value) in updates { assigned[key] = value }
        #expect(built.map(\.key) == assigned.map(\.key))
        #expect(built == assigned)
        #expect(built["k1"] == "last")
    }

    @Test func vipListsSplitOnlyAtCommas() {
        var info = InstanceInfo()
        #expect(info.vipNames.isEmpty)
        info.vipAddress = "orders"
        #expect(info.vipNames == ["orders"])
        info.vipAddress = "orders,,orders-v2,"
        #expect(info.vipNames == ["orders", "", "orders-v2", ""])
        info.secureVipAddress = "secure orders"
        #expect(info.secureVipNames == ["secure orders"])
        info.secureVipAddress = ""
        #expect(info.secureVipNames.isEmpty)
    }
}

/// The index and tally updates a re-registration makes (remove the old entry, add the new one) work in place now.
@Suite struct RegistryIndexRemovalTests {
    @Test func vipIndexRemovesOneIdAndDropsEmptyLevels() {
        var index = VipIndex()
        index.add(app: "A", id: "a1", names: ["v", "w"])
        index.add(app: "A", id: "a2", names: ["v"])
        index.add(app: "B", id: "b1", names: ["v"])
        index.remove(app: "A", id: "a1", names: ["v", "w"])
        #expect(index.members(of: "v") == ["A": ["a2"], "B": ["b1"]])
        #expect(index.members(of: "w").isEmpty && index.nameCount == 1)
        index.remove(app: "A", id: "a2", names: ["v"])
        #expect(index.members(of: "v") == ["B": ["b1"]])
        index.remove(app: "A", id: "missing", names: ["v", "unknown"])
        #expect(index.members(of: "v") == ["B": ["b1"]])
        index.remove(app: "B", id: "b1", names: ["v"])
        #expect(index.nameCount == 0)
    }

    @Test func statusTallyRemovesInPlaceAndForgetsEmptyApps() {
        var tally = StatusTally()
        tally.add("A", .up)
        tally.add("A", .up)
        tally.add("A", .down)
        tally.remove("A", .up)
        #expect(tally.countsByApp["A"] == [1, 1, 0, 0, 0])
        tally.remove("A", .up)
        tally.remove("B", .up)
        #expect(tally.countsByApp["A"] == [0, 1, 0, 0, 0] && tally.countsByApp["B"] == nil)
        tally.remove("A", .down)
        #expect(tally.countsByApp.isEmpty)
    }

    /// A re-registration that changes the VIP moves the instance from the old name to the new one.
    @Test func reRegistrationMovesTheInstanceBetweenVips() {
        let registry = InstanceRegistry(settings: RegistrySettings(), time: ManualTimeSource(), random: SplitMix64(seed: 1))
        var info = InstanceInfo()
        info.app = "A"
        info.hostName = "h1"
        info.vipAddress = "old"
        registry.register(info, leaseDurationSecs: 90, isReplication: false)
        info.vipAddress = "new"
        registry.register(info, leaseDurationSecs: 90, isReplication: false)
        #expect(registry.vipIndex.members(of: "old").isEmpty)
        #expect(registry.vipIndex.members(of: "new") == ["A": ["h1"]])
        #expect(registry.statusTally.countsByApp["A"] == [1, 0, 0, 0, 0])
    }

    /// The same VIP lists again leave the indexes untouched; a changed secure list alone still moves the secure entry.
    @Test func reRegistrationWithTheSameVipsKeepsTheIndexes() {
        let registry = InstanceRegistry(settings: RegistrySettings(), time: ManualTimeSource(), random: SplitMix64(seed: 1))
        var info = InstanceInfo()
        info.app = "A"
        info.hostName = "h1"
        info.vipAddress = "v1,v2"
        info.secureVipAddress = "s1"
        registry.register(info, leaseDurationSecs: 90, isReplication: false)
        registry.register(info, leaseDurationSecs: 90, isReplication: false)
        #expect(registry.vipIndex.members(of: "v1") == ["A": ["h1"]] && registry.vipIndex.members(of: "v2") == ["A": ["h1"]])
        #expect(registry.secureVipIndex.members(of: "s1") == ["A": ["h1"]])
        info.secureVipAddress = "s2"
        registry.register(info, leaseDurationSecs: 90, isReplication: false)
        #expect(registry.secureVipIndex.members(of: "s1").isEmpty && registry.secureVipIndex.members(of: "s2") == ["A": ["h1"]])
        #expect(registry.vipIndex.members(of: "v1") == ["A": ["h1"]] && registry.vipIndex.nameCount == 2)
        _ = registry.cancel(app: "A", id: "h1", isReplication: false)
        #expect(registry.vipIndex.nameCount == 0 && registry.secureVipIndex.nameCount == 0)
    }
}
