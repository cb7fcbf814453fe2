@testable import Server
import Testing

/// Seeded, bounded mutation fuzzing of everything that reads bytes from the network: any input must
/// end in a value or a clean error, never a crash or a hang.
@Suite struct MutationFuzzTests {
    static let registerJSON = Array((#"{"instance":{"instanceId":"o-1:o:8080","hostName":"o-1","app":"ORDERS","ipAddr":"10.0.0.5","#
        + #""status":"UP","overriddenStatus":"UNKNOWN","port":{"$":8080,"@enabled":"true"},"securePort":{"$":443,"@enabled":"false"},"#
        + #""countryId":1,"dataCenterInfo":{"@class":"com.netflix.appinfo.AmazonInfo","name":"Amazon","metadata":{"instance-id":"i-1"}},"#
        + #""leaseInfo":{"renewalIntervalInSecs":30,"durationInSecs":90},"metadata":{"a.b":"1","x_y":"\u00e9\n"},"#
        + #""vipAddress":"o,p","lastDirtyTimestamp":"1732440000000"}}"#).utf8)
    static let registerXML = Array(("<instance><instanceId>o-1</instanceId><hostName>o-1</hostName><app>ORDERS</app>"
        + "<ipAddr>10.0.0.5</ipAddr><status>UP</status><port enabled=\"true\">8080</port>"
        + "<dataCenterInfo class=\"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo\"><name>MyOwn</name></dataCenterInfo>"
        + "<metadata><a_.002fb>1</a_.002fb></metadata><lastDirtyTimestamp>1</lastDirtyTimestamp></instance>").utf8)
    static let request = Array(("PUT /eureka/apps/A/b%3Ac?status=UP&lastDirtyTimestamp=1 HTTP/1.1\r\nHost: x\r\n"
        + "Transfer-Encoding: chunked\r\nAccept: application/json\r\n\r\n4\r\nabcd\r\n0\r\n\r\n").utf8)

    /// Deterministic mutations: flip, insert, delete, duplicate a span, truncate.
    static func mutations(of input: [UInt8], count: Int, seed: UInt64) -> [[UInt8]] {
        var random = SplitMix64(seed: seed)
        return (0..<count).map { _ in
            var bytes = input
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                guard !bytes.isEmpty else { break }
                let at = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<5, using: &random) {
                case 0: bytes[at] = UInt8.random(in: 0...255, using: &random)
                case 1: bytes.insert(UInt8.random(in: 0...255, using: &random), at: at)
                case 2: bytes.remove(at: at)
                case 3:
                    let end = min(bytes.count, at + Int.random(in: 1...16, using: &random))
                    bytes.insert(contentsOf: bytes[at..<end], at: at)
                default: bytes.removeSubrange(at...)
                }
            }
            return bytes
        }
    }

    @Test func instanceDecodersNeverCrash() {
        var decoded = 0
        for body in Self.mutations(of: Self.registerJSON, count: 3_000, seed: 1) {
            if (try? InstanceCodec.decode(body, format: .json, now: 0)) != nil { decoded += 1 }
        }
        for body in Self.mutations(of: Self.registerXML, count: 3_000, seed: 2) {
            if (try? InstanceCodec.decode(body, format: .xml, now: 0)) != nil { decoded += 1 }
        }
        #expect(decoded > 0)  // some mutations stay valid: the decoders were really exercised
        #expect((try? InstanceCodec.decode(Self.registerJSON, format: .json, now: 0)) != nil)
    }

    @Test func documentAndBatchDecodersNeverCrash() {
        let document = ApplicationsCodec.encode(
            Applications(versionsDelta: 1, appsHashCode: "UP_1_", applications: [Application(name: "ORDERS", instances: [
                (try? InstanceCodec.decode(Self.registerJSON, format: .json, now: 0))!.info])]),
            format: .json, representation: .full)
        for body in Self.mutations(of: document, count: 2_000, seed: 3) {
            _ = try? ApplicationsCodec.decode(body, format: .json, now: 0)
        }
        let batch = Array(#"{"replicationList":[{"appName":"A","id":"b","lastDirtyTimestamp":1,"status":"UP","action":"Heartbeat"}]}"#.utf8)
        for body in Self.mutations(of: batch, count: 2_000, seed: 4) {
            _ = try? ReplicationListCodec.decode(body, now: 0)
        }
        #expect((try? ReplicationListCodec.decode(batch, now: 0))?.count == 1)
    }

    @Test func requestDecoderNeverCrashesAndAlwaysTerminates() {
        var completed = 0
        for input in Self.mutations(of: Self.request, count: 5_000, seed: 5) {
            let decoder = RequestDecoder(maxHeaderBytes: 256, maxBodyBytes: 64)
            var offset = 0
            var steps = 0
            loop: while offset < input.count, steps < 100 {
                steps += 1
                switch input[offset...].withUnsafeBytes({ decoder.decode($0) }) {
                case .request(let consumed):
                    completed += 1
                    offset += consumed
                case .needMore, .failure: break loop
                }
            }
            #expect(steps < 100)
        }
        #expect(completed > 0)
    }
}
