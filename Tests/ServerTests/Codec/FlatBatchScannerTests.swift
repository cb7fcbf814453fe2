@testable import Server
import Testing

/// The scan of flat batches must decode exactly what the general reader decodes, and defer to it otherwise.
@Suite struct FlatBatchScannerTests {
    @Test func flatBatchesDecodeAsTheGeneralReaderDoes() throws {
        var random = SplitMix64(seed: 7)
        let names = ["ORDERS", "orders", "Billing-Ü", "a\\u0041b", "x\\\"y", "", "ids:1:8080"]
        let values = ["\"UP\"", "\"OUT_OF_SERVICE\"", "17", "-3", "\"1732440200000\"", "\"\"", "\"a\\nb\""]
        let actions = ["Heartbeat", "Cancel", "StatusUpdate", "DeleteStatusOverride"]
        var scanned = 0
        for _ in 0..<500 {
            let count = Int(random.next() % 5)
            let items = (0..<count).map { _ -> String in
                var members: [String] = []
                if random.next() % 4 != 0 { members.append(#""appName":"\#(names[Int(random.next() % UInt64(names.count))])""#) }
                if random.next() % 4 != 0 { members.append(#""id":"\#(names[Int(random.next() % UInt64(names.count))])""#) }
                for key in ["lastDirtyTimestamp", "status", "overriddenStatus"] where random.next() % 2 == 0 {
                    members.append(#""\#(key)":\#(values[Int(random.next() % UInt64(values.count))])"#)
                }
                if random.next() % 5 != 0 { members.append(#""action":"\#(actions[Int(random.next() % UInt64(actions.count))])""#) }
                return "{" + members.joined(separator: ",") + "}"
            }
            let body = Array((#"{"replicationList":["# + items.joined(separator: ",") + "]}").utf8)
            let tree = try ReplicationListCodec.decodeTree(body, now: 0)
            #expect(try ReplicationListCodec.decode(body, now: 0) == tree)
            if let fast = FlatBatchScanner.items(body) {
                scanned += 1
                #expect(fast == tree)
            }
        }
        #expect(scanned > 100)  // the scan really took most flat batches (those without escapes)
    }

    @Test func anythingButAFlatCompactBatchIsLeftToTheGeneralReader() {
        for text in [#"{"replicationList":[{"appName":"A","id":"x","action":"Register","instanceInfo":{}}]}"#,
                     #"{"replicationList": []}"#, #"{"replicationList":[{"appName":null}]}"#,
                     #"{"replicationList":[{"appName":"A","extra":1}]}"#,
                     #"{"replicationList":[{"appName":"A","action":"Teleport"}]}"#, #"{"replicationList":[{}]"#] {
            #expect(FlatBatchScanner.items(Array(text.utf8)) == nil, "\(text)")
        }
        #expect(throws: CodecError.self) {
            try ReplicationListCodec.decode(Array(#"{"replicationList":[{"appName":"A","action":"Teleport"}]}"#.utf8), now: 0)
        }
    }
}
