import Testing
@testable import Server

/// Spec 3.7, row by row (JSON unless the row says XML), plus the input rules of 3.1–3.6.
@Suite struct LenientInputCodecTests {
    let now: Int64 = 1_000_000

    /// A minimal valid instance with `extra` members spliced in after `app`.
    private func json(_ extra: String) throws -> DecodedInstance {
        let body = #"{"instance":{"hostName":"h","app":"orders","ipAddr":"10.0.0.1""# + (extra.isEmpty ? "" : "," + extra) + "}}"
        return try InstanceCodec.decode(Array(body.utf8), format: .json, now: now)
    }

    private func xml(_ extra: String) throws -> DecodedInstance {
        let body = "<instance><hostName>h</hostName><app>orders</app><ipAddr>10.0.0.1</ipAddr>\(extra)</instance>"
        return try InstanceCodec.decode(Array(body.utf8), format: .xml, now: now)
    }

    @Test func numbersAsNumbersOrNumericStrings() throws {
        let info = try json(#""port":{"$":"8080","@enabled":"true"},"securePort":{"$":8443},"countryId":"2","leaseInfo":{"renewalIntervalInSecs":"10","durationInSecs":20},"lastUpdatedTimestamp":123,"lastDirtyTimestamp":"456""#).info
        #expect(info.port == PortInfo(number: 8080, enabled: true))
        #expect(info.securePort == PortInfo(number: 8443, enabled: false))
        #expect(info.countryId == 2)
        #expect(info.leaseInfo?.renewalIntervalInSecs == 10 && info.leaseInfo?.durationInSecs == 20)
        #expect(info.lastUpdatedTimestamp == 123 && info.lastDirtyTimestamp == 456)
        let doc = #"{"applications":{"versions__delta":7,"apps__hashcode":"","application":[]}}"#
        #expect(try ApplicationsCodec.decode(Array(doc.utf8), format: .json, now: now).versionsDelta == 7)
    }

    @Test(arguments: [
        (#"true"#, true), (#"false"#, false), (#""true""#, true), (#""TRUE""#, true), (#""True""#, true),
        (#""false""#, false), (#""yes""#, false), ("1", true), ("0", false), (#""2""#, true), (#""""#, false),
    ])
    func booleansAreLenient(literal: String, expected: Bool) throws {
        let info = try json(#""port":{"$":1,"@enabled":\#(literal)},"isCoordinatingDiscoveryServer":\#(literal)"#).info
        #expect(info.port.enabled == expected)
        #expect(info.isCoordinatingDiscoveryServer == expected)
    }

    @Test func overriddenStatusBothSpellingsBothFormats() throws {
        #expect(try json(#""overriddenStatus":"DOWN""#).info.overriddenStatus == .down)
        #expect(try json(#""overriddenstatus":"DOWN""#).info.overriddenStatus == .down)
        #expect(try xml("<overriddenstatus>OUT_OF_SERVICE</overriddenstatus>").info.overriddenStatus == .outOfService)
        #expect(try xml("<overriddenStatus>OUT_OF_SERVICE</overriddenStatus>").info.overriddenStatus == .outOfService)
    }

    @Test func nullIsAbsent() throws {
        let decoded = try json(#""instanceId":null,"status":null,"overriddenStatus":null,"port":null,"securePort":null,"countryId":null,"dataCenterInfo":null,"leaseInfo":null,"metadata":null,"appGroupName":null,"vipAddress":null,"isCoordinatingDiscoveryServer":null,"lastUpdatedTimestamp":null,"lastDirtyTimestamp":null,"actionType":null,"sid":null"#)
        let info = decoded.info
        #expect(info.instanceId == nil && info.appGroupName == nil && info.vipAddress == nil && info.actionType == nil)
        #expect(info.status == .up && info.overriddenStatus == .unknown)
        #expect(info.port == .defaultPort && info.securePort == .defaultSecurePort && info.countryId == 1)
        #expect(info.dataCenterInfo == nil && !decoded.dataCenterInfoMissingName && info.leaseInfo == nil)
        #expect(info.metadata.isEmpty && info.sid == "na" && !info.isCoordinatingDiscoveryServer)
        #expect(info.lastUpdatedTimestamp == now && info.lastDirtyTimestamp == now)
    }

    @Test func unknownFieldsOfAnyShapeAreIgnored() throws {
        let info = try json(#""identifyingAttribute":"EC2_InstanceId","version":3,"flag":true,"nothing":null,"nested":{"a":{"b":[1,{"c":[]}]}},"list":[{"x":[1,2]},[3]],"status":"DOWN""#).info
        #expect(info.status == .down)
        #expect(info.hostName == "h")
    }

    @Test func applicationAndInstanceAsSingleObjects() throws {
        let doc = #"{"applications":{"versions__delta":"1","apps__hashcode":"UP_1_","application":{"name":"ORDERS","instance":{"hostName":"h","app":"ORDERS","ipAddr":"1.1.1.1"}}}}"#
        let apps = try ApplicationsCodec.decode(Array(doc.utf8), format: .json, now: now)
        #expect(apps.applications.count == 1)
        #expect(apps.applications.first?.instances.first?.hostName == "h")
    }

    @Test func metadataClassMarkerIsSkipped() throws {
        #expect(try json(#""metadata":{"@class":"java.util.Collections$EmptyMap"}"#).info.metadata.isEmpty)
        #expect(try json(#""metadata":{"a":"1","@class":"anything"}"#).info.metadata == Metadata([("a", "1")]))
    }

    @Test func metadataValuesNumbersAndBooleansAsTextNullDropped() throws {
        let info = try json(#""metadata":{"n":8080,"f":1.5,"b":true,"gone":null,"s":"x"}"#).info
        #expect(info.metadata == Metadata([("n", "8080"), ("f", "1.5"), ("b", "true"), ("s", "x")]))
    }

    @Test func xmlElementsInAnyOrderUnknownElementsAndAttributesIgnored() throws {
        let body = #"<?xml version="1.0" encoding="UTF-8"?><!-- peer --><instance xmlns:x="urn:x" extra="1"><status>down</status><unknown><deep>1</deep></unknown><port enabled="true" other="z">8080</port><ipAddr>10.0.0.2</ipAddr><app>billing</app><hostName>h2</hostName><dataCenterInfo class="whatever" y="1"><name>MyOwn</name></dataCenterInfo></instance>"#
        let info = try InstanceCodec.decode(Array(body.utf8), format: .xml, now: now).info
        #expect(info.status == .down && info.app == "BILLING" && info.hostName == "h2" && info.ipAddr == "10.0.0.2")
        #expect(info.port == PortInfo(number: 8080, enabled: true))
        #expect(info.dataCenterInfo == .myOwn)
    }

    @Test func bodyWithoutInstanceWrapperIsUnparseable() {
        let body = #"{"hostName":"h","app":"ORDERS","ipAddr":"1.1.1.1"}"#
        #expect(throws: CodecError.self) { try InstanceCodec.decode(Array(body.utf8), format: .json, now: now) }
    }

    @Test func duplicateKeysLastWins() throws {
        let info = try json(#""status":"DOWN","status":"STARTING","metadata":{"k":"1","k":"2"},"port":{"$":1,"$":2}"#).info
        #expect(info.status == .starting)
        #expect(info.metadata == Metadata([("k", "2")]))
        #expect(info.port.number == 2)
        let doubled = #"{"instance":{"app":"X"},"instance":{"hostName":"h","app":"Y","ipAddr":"1"}}"#
        #expect(try InstanceCodec.decode(Array(doubled.utf8), format: .json, now: now).info.app == "Y")
    }

    @Test func statusAbsentIsUpUnrecognisedIsUnknownCaseInsensitive() throws {
        #expect(try json("").info.status == .up)
        #expect(try json(#""status":"out_of_service""#).info.status == .outOfService)
        #expect(try json(#""status":"bogus""#).info.status == .unknown)
        #expect(try xml("<status>Starting</status>").info.status == .starting)
        #expect(try xml("").info.status == .up)
    }

    @Test func appAndAppGroupNameAreUpperCased() throws {
        let info = try json(#""appGroupName":"group-a""#).info
        #expect(info.app == "ORDERS" && info.appGroupName == "GROUP-A")
        #expect(try xml("<appGroupName>g</appGroupName>").info.appGroupName == "G")
    }

    @Test func emptyAppIsKeptAsEmpty() throws {
        let body = #"{"instance":{"hostName":"h","app":"","ipAddr":"1"}}"#
        #expect(try InstanceCodec.decode(Array(body.utf8), format: .json, now: now).info.app == "")
        let xmlBody = "<instance><hostName>h</hostName><app/></instance>"
        #expect(try InstanceCodec.decode(Array(xmlBody.utf8), format: .xml, now: now).info.app == "")
    }

    @Test func absentTimestampsDefaultToNow() throws {
        let info = try json("").info
        #expect(info.lastDirtyTimestamp == now && info.lastUpdatedTimestamp == now)
        let fromXML = try xml("<lastDirtyTimestamp>42</lastDirtyTimestamp>").info
        #expect(fromXML.lastDirtyTimestamp == 42 && fromXML.lastUpdatedTimestamp == now)
    }

    @Test func dataCenterInfoKindFromNameClassOptional() throws {
        #expect(try json(#""dataCenterInfo":{"name":"MyOwn"}"#).info.dataCenterInfo == .myOwn)
        let amazon = try json(#""dataCenterInfo":{"@class":"com.netflix.appinfo.MyDataCenterInfo","name":"amazon","metadata":{"instance-id":"i-1"}}"#).info
        #expect(amazon.dataCenterInfo == DataCenterInfo(name: .amazon, metadata: Metadata([("instance-id", "i-1")])))
        #expect(amazon.effectiveId == "i-1")
        // Non-Amazon kinds carry no metadata.
        #expect(try json(#""dataCenterInfo":{"name":"netflix","metadata":{"a":"b"}}"#).info.dataCenterInfo == DataCenterInfo(name: .netflix))
    }

    @Test func dataCenterInfoWithoutNameIsFlagged() throws {
        let decoded = try json(#""dataCenterInfo":{"@class":"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo"}"#)
        #expect(decoded.dataCenterInfoMissingName && decoded.info.dataCenterInfo == nil)
        let fromXML = try xml(#"<dataCenterInfo class="com.netflix.appinfo.AmazonInfo"></dataCenterInfo>"#)
        #expect(fromXML.dataCenterInfoMissingName && fromXML.info.dataCenterInfo == nil)
        let absent = try json("")
        #expect(!absent.dataCenterInfoMissingName && absent.info.dataCenterInfo == nil)
    }

    @Test func xmlPortEnabledFlags() throws {
        let info = try xml(#"<port enabled="yes">80</port><securePort enabled="yes">443</securePort>"#).info
        #expect(info.port == PortInfo(number: 80, enabled: true))
        #expect(info.securePort == PortInfo(number: 443, enabled: false))
        let flipped = try xml(#"<port enabled="false">80</port><securePort enabled="TRUE">443</securePort>"#).info
        #expect(!flipped.port.enabled && flipped.securePort.enabled)
        let defaults = try xml("<port>81</port><securePort>444</securePort>").info
        #expect(defaults.port.enabled && !defaults.securePort.enabled)
    }

    @Test func xmlLeaseInfoSkipsNonNumericValues() throws {
        let info = try xml("<leaseInfo><renewalIntervalInSecs>abc</renewalIntervalInSecs><durationInSecs> 15 </durationInSecs></leaseInfo>").info
        #expect(info.leaseInfo?.renewalIntervalInSecs == 30)
        #expect(info.leaseInfo?.durationInSecs == 15)
    }

    @Test func xmlMetadataMarkerReadsBackEmpty() throws {
        #expect(try xml(#"<metadata class="java.util.Collections$EmptyMap"/>"#).info.metadata.isEmpty)
        let coded = try xml("<metadata><prometheus.io_.002fscrape>true</prometheus.io_.002fscrape><my__key>v</my__key></metadata>").info
        #expect(coded.metadata == Metadata([("prometheus.io/scrape", "true"), ("my_key", "v")]))
    }

    @Test func xmlApplicationsToleratesPrettyPrintingAndUnknownElements() throws {
        let body = """
        <applications>
          <versions__delta>3</versions__delta>
          <apps__hashcode/>
          <registeredApplicationsEmpty>false</registeredApplicationsEmpty>
          <application>
            <name>A</name>
            <instance><hostName>h</hostName><app>a</app><ipAddr>1</ipAddr></instance>
          </application>
        </applications>
        """
        let apps = try ApplicationsCodec.decode(Array(body.utf8), format: .xml, now: now)
        #expect(apps.versionsDelta == 3 && apps.appsHashCode == "")
        #expect(apps.applications.map(\.name) == ["A"])
        #expect(apps.applications.first?.instances.first?.app == "A")
    }
}
