@testable import Server
import Testing

/// The sending direction of the batch (spec 7.4): what we encode is what a receiver decodes, and a peer's reply
/// decodes into results.
@Suite struct ReplicationBatchCodecTests {
    let now: Int64 = 1_732_450_000_000

    /// The request body of spec 7.4, verbatim.
    static let batchExample = #"""
    {
      "replicationList": [
        {
          "appName": "ORDERS",
          "id": "orders-4:orders:8080",
          "lastDirtyTimestamp": 1732440200000,
          "status": "UP",
          "instanceInfo": {
            "instanceId": "orders-4:orders:8080",
            "hostName": "orders-4",
            "app": "ORDERS",
            "ipAddr": "10.0.0.8",
            "status": "UP",
            "overriddenStatus": "UNKNOWN",
            "port": {"$": 8080, "@enabled": "true"},
            "securePort": {"$": 443, "@enabled": "false"},
            "countryId": 1,
            "dataCenterInfo": {"@class": "com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo", "name": "MyOwn"},
            "leaseInfo": {"renewalIntervalInSecs": 30, "durationInSecs": 90,
                          "registrationTimestamp": 1732440200100, "lastRenewalTimestamp": 1732440200100,
                          "evictionTimestamp": 0, "serviceUpTimestamp": 1732440200100},
            "metadata": {"@class": "java.util.Collections$EmptyMap"},
            "vipAddress": "orders",
            "secureVipAddress": "orders",
            "isCoordinatingDiscoveryServer": "false",
            "lastUpdatedTimestamp": "1732440200100",
            "lastDirtyTimestamp": "1732440200000",
            "actionType": "ADDED"
          },
          "action": "Register"
        },
        {
          "appName": "ORDERS",
          "id": "orders-2:orders:8080",
          "lastDirtyTimestamp": 1732440000900,
          "overriddenStatus": "OUT_OF_SERVICE",
          "status": "OUT_OF_SERVICE",
          "action": "Heartbeat"
        },
        {
          "appName": "ORDERS",
          "id": "orders-3:orders:8080",
          "action": "Cancel"
        },
        {
          "appName": "BILLING",
          "id": "i-0abc123",
          "lastDirtyTimestamp": 1732438999500,
          "status": "OUT_OF_SERVICE",
          "action": "StatusUpdate"
        },
        {
          "appName": "ORDERS",
          "id": "orders-1:orders:8080",
          "lastDirtyTimestamp": 1732439999870,
          "status": "UNKNOWN",
          "action": "DeleteStatusOverride"
        }
      ]
    }
    """#

    /// The reply of spec 7.4, verbatim (the placeholder member is an unknown field, skipped like any other).
    static let replyExample = #"""
    {
      "responseList": [
        {"statusCode": 200},
        {"statusCode": 409,
         "responseEntity": {"instanceId": "orders-2:orders:8080", "hostName": "orders-2", "app": "ORDERS",
                            "…": "the receiver's full record",
                            "lastDirtyTimestamp": "1732440001500", "actionType": "MODIFIED"}},
        {"statusCode": 404},
        {"statusCode": 200},
        {"statusCode": 200}
      ]
    }
    """#

    private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test func specBatchExampleEncodesBackByteForByte() throws {
        let items = try ReplicationListCodec.decode(Array(Self.batchExample.utf8), now: now)
        #expect(items.map(\.action) == [.register, .heartbeat, .cancel, .statusUpdate, .deleteStatusOverride])
        #expect(items[0].instance?.info.leaseInfo?.serviceUpTimestamp == 1_732_440_200_100)
        #expect(text(ReplicationListCodec.encodeRequest(items)) == Minify.json(Self.batchExample))
    }

    @Test func itemsWeEncodeDecodeToTheSameItems() throws {
        var register = ReplicationItem(action: .register, appName: "ORDERS", id: "orders-1:orders:8080")
        register.lastDirtyTimestamp = SpecExamples.orders1.lastDirtyTimestamp
        register.status = "UP"
        register.instance = DecodedInstance(info: SpecExamples.orders1, dataCenterInfoMissingName: false)
        var heartbeat = ReplicationItem(action: .heartbeat, appName: "ORDERS", id: #"odd "id"\ with\tescapes"#)
        heartbeat.lastDirtyTimestamp = -1
        heartbeat.status = "DOWN"
        heartbeat.overriddenStatus = "OUT_OF_SERVICE"
        let cancel = ReplicationItem(action: .cancel, appName: "BILLING", id: "i-0abc123")
        var status = ReplicationItem(action: .statusUpdate, appName: "BILLING", id: "i-0abc123")
        status.lastDirtyTimestamp = 1_732_438_999_500
        status.status = "OUT_OF_SERVICE"
        var removal = ReplicationItem(action: .deleteStatusOverride, appName: "ORDERS", id: "orders-1")
        removal.lastDirtyTimestamp = 0
        removal.status = "UNKNOWN"
        let items = [register, heartbeat, cancel, status, removal]

        let decoded = try ReplicationListCodec.decode(ReplicationListCodec.encodeRequest(items), now: now)
        #expect(decoded == items)
    }

    @Test func absentFieldsAreLeftOutAndTheTimestampIsANumber() {
        let cancel = ReplicationItem(action: .cancel, appName: "ORDERS", id: "x")
        var beat = ReplicationItem(action: .heartbeat, appName: "ORDERS", id: "y")
        beat.lastDirtyTimestamp = 1_732_440_000_900
        beat.status = "UP"
        #expect(text(ReplicationListCodec.encodeRequest([cancel, beat])) == #"{"replicationList":[{"appName":"ORDERS","id":"x","action":"Cancel"},"#
            + #"{"appName":"ORDERS","id":"y","lastDirtyTimestamp":1732440000900,"status":"UP","action":"Heartbeat"}]}"#)
        #expect(text(ReplicationListCodec.encodeRequest([])) == #"{"replicationList":[]}"#)
    }

    @Test func specReplyExampleDecodes() throws {
        let results = try ReplicationListCodec.decodeReply(Array(Self.replyExample.utf8), now: now)
        #expect(results.map(\.statusCode) == [200, 409, 404, 200, 200])
        #expect(results.enumerated().allSatisfy { $0.offset == 1 || $0.element.entity == nil })
        let entity = try #require(results[1].entity)
        #expect(entity.instanceId == "orders-2:orders:8080")
        #expect(entity.hostName == "orders-2")
        #expect(entity.lastDirtyTimestamp == 1_732_440_001_500)
        #expect(entity.actionType == .modified)
    }

    @Test func resultsWeEncodeAsReceiverDecodeAsSender() throws {
        var peerRecord = SpecExamples.orders1
        peerRecord.overriddenStatus = .outOfService
        let results = [ReplicationResult(statusCode: 200), ReplicationResult(statusCode: 409, entity: peerRecord),
                       ReplicationResult(statusCode: 500)]
        #expect(try ReplicationListCodec.decodeReply(ReplicationListCodec.encode(results), now: now) == results)
    }

    @Test func replyIsReadLeniently() throws {
        let body = #"{"responseList":[{"statusCode":"503"},{},{"statusCode":null,"responseEntity":null},{"statusCode":200.0}]}"#
        let results = try ReplicationListCodec.decodeReply(Array(body.utf8), now: now)
        #expect(results == [ReplicationResult(statusCode: 503), ReplicationResult(statusCode: 0),
                            ReplicationResult(statusCode: 0), ReplicationResult(statusCode: 200)])
        let single = try ReplicationListCodec.decodeReply(Array(#"{"responseList":{"statusCode":200}}"#.utf8), now: now)
        #expect(single == [ReplicationResult(statusCode: 200)])
    }

    @Test(arguments: [
        "", "not json", "[]", #"{"replicationList":[]}"#, #"{"responseList":[7]}"#,
        #"{"responseList":[{"statusCode":"OK"}]}"#, #"{"responseList":[{"statusCode":200,"responseEntity":"x"}]}"#,
        #"{"responseList":[{"statusCode":409,"responseEntity":{"hostName":"no-app"}}]}"#,
    ])
    func undecodableRepliesThrow(body: String) {
        #expect(throws: CodecError.self) { try ReplicationListCodec.decodeReply(Array(body.utf8), now: now) }
    }
}

/// The scan that reads our own compact replies, and the general reader it defers to for every other shape.
@Suite struct CompactReplyTests {
    @Test func theCompactFormIsScannedAndMatchesTheGeneralReader() throws {
        let results = (0..<300).map { ReplicationResult(statusCode: [200, 404, 500][$0 % 3]) }
        let body = ReplicationListCodec.encode(results)
        let scanned = try #require(ReplicationListCodec.compactReply(body))
        #expect(scanned.map(\.statusCode) == results.map(\.statusCode))
        #expect(try ReplicationListCodec.decodeReply(body, now: 0).map(\.statusCode) == results.map(\.statusCode))
        #expect(ReplicationListCodec.compactReply(Array(#"{"responseList":[]}"#.utf8))?.isEmpty == true)
    }

    @Test func otherShapesGoToTheGeneralReader() throws {
        for text in [#"{"responseList": [{"statusCode":200}]}"#, #"{"responseList":[{"statusCode":"200"}]}"#,
                     #"{"responseList":[{"statusCode":200,"responseEntity":null}]}"#, #"{"responseList":[{"statusCode":200}]} "#,
                     #"{"responseList":[{"statusCode":200},]}"#, #"{"responseList":[{"statusCode":}]}"#,
                     #"{"responseList":[{"statusCode":20000}]}"#, #"{"responseList":[{"statusCode":200}"#] {
            #expect(ReplicationListCodec.compactReply(Array(text.utf8)) == nil, "\(text)")
        }
        // What the general reader accepts of those still decodes.
        #expect(try ReplicationListCodec.decodeReply(Array(#"{"responseList": [{"statusCode":"200"}]}"#.utf8), now: 0)
            .map(\.statusCode) == [200])
        #expect(throws: CodecError.self) { try ReplicationListCodec.decodeReply(Array(#"{"responseList":[{"statusCode":}]}"#.utf8), now: 0) }
    }
}
