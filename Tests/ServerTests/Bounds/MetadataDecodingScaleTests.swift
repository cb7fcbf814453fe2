import Foundation
@testable import Server
import Testing

/// Decoding a register body whose metadata has many keys costs time linear in the keys (issue #18: 70,000 keys
/// took 4.9 s when every insertion scanned the entries before it). Times N and 4N keys: linear work grows ~4x,
/// quadratic work ~16x; the bound of 9x leaves room for a noisy shared machine.
@Suite(.serialized) struct MetadataDecodingScaleTests {
    static func body(keys: Int, format: WireFormat, withRemovals: Bool = false) -> [UInt8] {
        switch format {
        case .json:
            var members = (0..<keys).map { #""key\#($0)":"v""# }
            if withRemovals { members += (0..<keys).map { #""key\#($0)":null"# } }
            let text = #"{"instance":{"app":"BIG","hostName":"h","ipAddr":"10.0.0.1","metadata":{"#
                + members.joined(separator: ",") + "}}}"
            return Array(text.utf8)
        case .xml:
            let children = (0..<keys).map { "<key\($0)>v</key\($0)>" }.joined()
            return Array("<instance><app>BIG</app><hostName>h</hostName><metadata>\(children)</metadata></instance>".utf8)
        }
    }

    /// The best of three runs, in microseconds: the least disturbed by other processes.
    static func decodeMicros(_ body: [UInt8], _ format: WireFormat) throws -> Int {
        var best = Int.max
        for _ in 0..<3 {
            let started = Monotonic.micros()
            _ = try InstanceCodec.decode(body, format: format, now: 0)
            best = min(best, Monotonic.micros() - started)
        }
        return best
    }

    @Test(arguments: [(WireFormat.json, false), (.json, true), (.xml, false)])
    func decodingTimeGrowsLinearlyWithMetadataKeys(format: WireFormat, withRemovals: Bool) throws {
        let small = Self.body(keys: 5_000, format: format, withRemovals: withRemovals)
        let large = Self.body(keys: 20_000, format: format, withRemovals: withRemovals)
        let decoded = try InstanceCodec.decode(large, format: format, now: 0)
        #expect(decoded.info.metadata.count == (withRemovals ? 0 : 20_000))
        let ratio = Double(try Self.decodeMicros(large, format)) / Double(max(1, try Self.decodeMicros(small, format)))
        #expect(ratio < 9, "4x the keys took \(ratio)x the time")
    }

    @Test func updatesKeepTheSubscriptsOrderAndLastWinsRules() {
        let built = Metadata(updates: [("a", "1"), ("b", "2"), ("a", "3"), ("b", nil), ("c", "4"), ("b", "5")])
        #expect(built.map(\.key) == ["a", "c", "b"])
        #expect(built["a"] == "3" && built["b"] == "5" && built["c"] == "4")
        var assigned = Metadata()
        for (key, value) in [("a", "1"), ("b", "2"), ("a", "3"), ("b", nil), ("c", "4"), ("b", "5")] as [(String, String?)] {
            assigned[key] = value
        }
        #expect(assigned == built)
    }

    @Test func largeMapsLookUpAndMergeThroughTheirIndex() {
        var map = Metadata((0..<100).map { ("k\($0)", "\($0)") })
        #expect(map["k57"] == "57")
        map["k10"] = nil
        #expect(map["k11"] == "11" && map["k10"] == nil && map.count == 99)
        map.merge(Metadata([("k11", "x"), ("new", "y")]))
        #expect(map["k11"] == "x" && map["new"] == "y" && map.count == 100)
        #expect(map.map(\.key).last == "new")
    }
}
