import Testing
@testable import Server

/// Spec 3.12: every complete example decodes to the records it describes, and encoding those
/// records gives the example back byte for byte once whitespace is removed (field order and JSON
/// types included).
@Suite struct SpecExampleCodecTests {
    let now: Int64 = 1_732_450_000_000

    private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test func instanceJSONExampleRoundTrips() throws {
        let decoded = try InstanceCodec.decode(Array(SpecExamples.instanceJSON.utf8), format: .json, now: now)
        #expect(decoded.info == SpecExamples.orders1)
        #expect(!decoded.dataCenterInfoMissingName)
        #expect(text(InstanceCodec.encode(SpecExamples.orders1, format: .json)) == Minify.json(SpecExamples.instanceJSON))
    }

    @Test func instanceXMLExampleRoundTrips() throws {
        let decoded = try InstanceCodec.decode(Array(SpecExamples.orders1XML.utf8), format: .xml, now: now)
        #expect(decoded.info == SpecExamples.orders1)
        #expect(text(InstanceCodec.encode(SpecExamples.orders1, format: .xml)) == Minify.xml(SpecExamples.orders1XML))
    }

    @Test func fullRegistryJSONExampleRoundTrips() throws {
        let decoded = try ApplicationsCodec.decode(Array(SpecExamples.registryJSON.utf8), format: .json, now: now)
        #expect(decoded == SpecExamples.registry)
        let encoded = ApplicationsCodec.encode(SpecExamples.registry, format: .json, representation: .full)
        #expect(text(encoded) == Minify.json(SpecExamples.registryJSON))
    }

    @Test func fullRegistryXMLExampleRoundTrips() throws {
        let decoded = try ApplicationsCodec.decode(Array(SpecExamples.registryXML.utf8), format: .xml, now: now)
        #expect(decoded == SpecExamples.registry)
        let encoded = ApplicationsCodec.encode(SpecExamples.registry, format: .xml, representation: .full)
        #expect(text(encoded) == Minify.xml(SpecExamples.registryXML))
    }

    private var compactRegistry: Applications {
        Applications(versionsDelta: 1, appsHashCode: "UP_1_",
                     applications: [Application(name: "ORDERS", instances: [SpecExamples.orders1])])
    }

    @Test func compactRegistryJSONMatchesExample() throws {
        let encoded = ApplicationsCodec.encode(compactRegistry, format: .json, representation: .compact)
        #expect(text(encoded) == Minify.json(SpecExamples.compactRegistryJSON))
        // What compact leaves out comes back as input defaults; re-encoding gives the same bytes.
        let decoded = try ApplicationsCodec.decode(encoded, format: .json, now: now)
        let instance = try #require(decoded.applications.first?.instances.first)
        #expect(instance.lastUpdatedTimestamp == 1_732_440_000_123)
        #expect(instance.lastDirtyTimestamp == now)
        #expect(instance.leaseInfo == nil && instance.metadata.isEmpty && instance.homePageUrl == nil)
        #expect(ApplicationsCodec.encode(decoded, format: .json, representation: .compact) == encoded)
    }

    @Test func compactRegistryXMLMatchesExample() throws {
        let encoded = ApplicationsCodec.encode(compactRegistry, format: .xml, representation: .compact)
        #expect(text(encoded) == Minify.xml(SpecExamples.compactRegistryXML))
        let decoded = try ApplicationsCodec.decode(encoded, format: .xml, now: now)
        #expect(decoded.appsHashCode == "UP_1_")
        #expect(ApplicationsCodec.encode(decoded, format: .xml, representation: .compact) == encoded)
    }

    @Test func emptyRegistryMatchesSpec() throws {
        let empty = Applications(versionsDelta: 1, appsHashCode: "", applications: [])
        let json = text(ApplicationsCodec.encode(empty, format: .json, representation: .full))
        #expect(json == #"{"applications":{"versions__delta":"1","apps__hashcode":"","application":[]}}"#)
        let xml = text(ApplicationsCodec.encode(empty, format: .xml, representation: .full))
        #expect(xml == "<applications><versions__delta>1</versions__delta><apps__hashcode></apps__hashcode></applications>")
        #expect(try ApplicationsCodec.decode(Array(json.utf8), format: .json, now: now) == empty)
        #expect(try ApplicationsCodec.decode(Array(xml.utf8), format: .xml, now: now) == empty)
        let compact = text(ApplicationsCodec.encode(empty, format: .json, representation: .compact))
        #expect(compact == #"{"applications":{"application":[],"registeredApplicationsEmpty":true,"versions__delta":"1","apps__hashcode":""}}"#)
    }

    /// 3.12.5, its "…" entries completed with the records of 3.12.3.
    @Test func deltaExampleRoundTripsInBothFormats() throws {
        var orders3 = SpecExamples.orders1
        orders3.instanceId = "orders-3:orders:8080"
        orders3.hostName = "orders-3"
        orders3.actionType = .deleted
        var lease = LeaseInfo()
        lease.registrationTimestamp = 1_732_440_060_000
        lease.lastRenewalTimestamp = 1_732_440_060_000
        lease.evictionTimestamp = 1_732_440_070_000
        lease.serviceUpTimestamp = 1_732_440_060_000
        orders3.leaseInfo = lease
        let delta = Applications(versionsDelta: 57, appsHashCode: "OUT_OF_SERVICE_1_UP_2_", applications: [
            Application(name: "ORDERS", instances: [SpecExamples.orders2, orders3]),
            Application(name: "BILLING", instances: [SpecExamples.billing1]),
        ])
        let json = ApplicationsCodec.encode(delta, format: .json, representation: .full)
        #expect(text(json).hasPrefix(#"{"applications":{"versions__delta":"57","apps__hashcode":"OUT_OF_SERVICE_1_UP_2_","application":[{"name":"ORDERS","instance":[{"instanceId":"orders-2:orders:8080""#))
        #expect(text(json).contains(#""evictionTimestamp":1732440070000,"#))
        #expect(text(json).contains(#""actionType":"DELETED""#))
        #expect(try ApplicationsCodec.decode(json, format: .json, now: now) == delta)
        let xml = ApplicationsCodec.encode(delta, format: .xml, representation: .full)
        #expect(try ApplicationsCodec.decode(xml, format: .xml, now: now) == delta)
    }

    @Test func singleApplicationHasApplicationRoot() throws {
        let app = Application(name: "ORDERS", instances: [SpecExamples.orders1])
        let json = text(ApplicationsCodec.encode(app, format: .json, representation: .full))
        #expect(json == #"{"application":{"name":"ORDERS","instance":["# + Minify.json(SpecExamples.orders1JSON) + "]}}")
        let xml = text(ApplicationsCodec.encode(app, format: .xml, representation: .full))
        #expect(xml == "<application><name>ORDERS</name>" + Minify.xml(SpecExamples.orders1XML) + "</application>")
        let compact = text(ApplicationsCodec.encode(app, format: .json, representation: .compact))
        #expect(compact.hasPrefix(#"{"application":{"name":"ORDERS","instance":[{"instanceId":"orders-1:orders:8080","hostName""#))
        #expect(!compact.contains("leaseInfo") && !compact.contains("metadata"))
    }

    @Test func compactAmazonMetadataKeepsOnlyFiveKeys() {
        var billing = SpecExamples.billing1
        billing.dataCenterInfo?.metadata["ami-id"] = "ami-12345"
        billing.dataCenterInfo?.metadata["mac"] = "0a:1b:2c:3d:4e:5f"
        var out: [UInt8] = []
        InstanceCodec.append(billing, format: .json, representation: .compact, to: &out)
        let expected = #""dataCenterInfo":{"@class":"com.netflix.appinfo.AmazonInfo","name":"Amazon","metadata":{"instance-id":"i-0abc123","availability-zone":"us-east-1a","local-ipv4":"10.1.2.3","public-ipv4":"1.2.3.4","public-hostname":"ec2-1-2-3-4.compute-1.amazonaws.com"}}"#
        #expect(text(out).contains(expected))
        #expect(text(out).hasSuffix(#","asgName":"billing-v042","port":{"$":9000,"@enabled":"true"},"securePort":{"$":9443,"@enabled":"true"}}"#))
        var full: [UInt8] = []
        InstanceCodec.append(billing, format: .json, representation: .full, to: &full)
        #expect(text(full).contains(#""mac":"0a:1b:2c:3d:4e:5f""#))
        var xml: [UInt8] = []
        InstanceCodec.append(billing, format: .xml, representation: .compact, to: &xml)
        #expect(!text(xml).contains("ami-id") && text(xml).contains("<public-ipv4>1.2.3.4</public-ipv4>"))
    }

    @Test func emptyAmazonMetadataAndEmptyInstanceMetadata() throws {
        var info = SpecExamples.billing1
        info.dataCenterInfo = DataCenterInfo(name: .amazon)
        let json = text(InstanceCodec.encode(info, format: .json))
        #expect(json.contains(#""dataCenterInfo":{"@class":"com.netflix.appinfo.AmazonInfo","name":"Amazon","metadata":{}}"#))
        #expect(json.contains(#""metadata":{"@class":"java.util.Collections$EmptyMap"}"#))
        let xml = text(InstanceCodec.encode(info, format: .xml))
        #expect(xml.contains(#"<dataCenterInfo class="com.netflix.appinfo.AmazonInfo"><name>Amazon</name><metadata class="java.util.Collections$EmptyMap"/></dataCenterInfo>"#))
        #expect(try InstanceCodec.decode(Array(json.utf8), format: .json, now: now).info == info)
        #expect(try InstanceCodec.decode(Array(xml.utf8), format: .xml, now: now).info == info)
    }

    @Test func optionalFieldsAndSidAreWrittenOnlyWhenSet() throws {
        var info = InstanceInfo()
        info.hostName = "h"
        info.app = "A"
        info.ipAddr = "1.2.3.4"
        info.lastUpdatedTimestamp = 5
        info.lastDirtyTimestamp = 6
        let json = text(InstanceCodec.encode(info, format: .json))
        #expect(json == #"{"instance":{"hostName":"h","app":"A","ipAddr":"1.2.3.4","status":"UP","overriddenStatus":"UNKNOWN","port":{"$":7001,"@enabled":"true"},"securePort":{"$":7002,"@enabled":"false"},"countryId":1,"metadata":{"@class":"java.util.Collections$EmptyMap"},"isCoordinatingDiscoveryServer":"false","lastUpdatedTimestamp":"5","lastDirtyTimestamp":"6"}}"#)
        for hidden in ["na", "unknown"] {
            info.sid = hidden
            #expect(!text(InstanceCodec.encode(info, format: .json)).contains("sid"))
        }
        info.sid = "s-1"
        info.appGroupName = "GROUP"
        info.isCoordinatingDiscoveryServer = true
        info.dataCenterInfo = DataCenterInfo(name: .netflix)
        let withSid = text(InstanceCodec.encode(info, format: .json))
        #expect(withSid.contains(#""ipAddr":"1.2.3.4","sid":"s-1","status""#))
        #expect(withSid.contains(#""isCoordinatingDiscoveryServer":"true""#))
        #expect(withSid.contains(#"{"@class":"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo","name":"Netflix"}"#))
        let xml = InstanceCodec.encode(info, format: .xml)
        #expect(text(xml).contains("<sid>s-1</sid>"))
        #expect(!text(xml).hasPrefix("<?xml"))
        #expect(try InstanceCodec.decode(xml, format: .xml, now: 0).info == info)
        #expect(try InstanceCodec.decode(Array(withSid.utf8), format: .json, now: 0).info == info)
    }

    @Test func errorBodiesMatchSpec() {
        #expect(text(ErrorBody.encode(message: "cannot parse request body", format: .json)) == #"{"error":"cannot parse request body"}"#)
        #expect(text(ErrorBody.encode(message: "a < b & \"c\"", format: .xml)) == "<error><message>a &lt; b &amp; \"c\"</message></error>")
    }
}
