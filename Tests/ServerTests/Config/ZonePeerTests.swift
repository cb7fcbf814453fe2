@testable import Server
import Testing

/// Peers from every zone, as Netflix's server finds them (PeerEurekaNodes.resolvePeerUrls with Spring's
/// EurekaClientConfigBean): the zones are `eureka.client.availability-zones.<region>` for `eureka.client.region`
/// (default `us-east-1`; no entry: `defaultZone` alone); the peers are each zone's
/// `eureka.client.service-url.<zone>` in zone order, a zone without URLs taking `defaultZone`'s; the same URL once.
@Suite struct ZonePeerTests {
    @Test func defaultZoneAloneIsUnchanged() throws {
        let config = try ConfigLoader.load(arguments: ["--eureka.client.service-url.defaultZone=http://a:1/eureka/,http://b:2/eureka/",
                                                       "--eureka.client.service-url.zone9=http://z:9/eureka/"])
        #expect(config.peerServiceURLs == ["http://a:1/eureka/", "http://b:2/eureka/"])
    }

    @Test func everyZoneOfTheRegionInOrder() throws {
        let fixture = try ConfigFixture(["application.yml": """
            eureka:
              client:
                region: eu-west
                availability-zones:
                  eu-west: zone2,zone1
                  us-east-1: zone9
                service-url:
                  zone1: http://a:8761/eureka/,http://b:8761/eureka/
                  zone2: [http://c:8761/eureka/, http://a:8761/eureka/]
                  defaultZone: http://d:8761/eureka/
            """])
        let loaded = try fixture.load()
        #expect(loaded.config.peerServiceURLs == ["http://c:8761/eureka/", "http://a:8761/eureka/", "http://b:8761/eureka/"])
        #expect(loaded.config.region == "eu-west")
        #expect(loaded.source(of: "eureka.client.service-url.zone1") == .file(path: "application.yml", line: 8))
        // Another region's zones are named in a warning (accepted, no effect); defaultZone stays a silent fallback.
        #expect(loaded.warnings.contains { $0.contains("eureka.client.availability-zones.us-east-1") && $0.contains("eu-west") })
    }

    @Test func aZoneWithoutURLsTakesDefaultZones() throws {
        let config = try ConfigLoader.load(arguments: [
            "--eureka.client.availability-zones.us-east-1=zone1,zone3",
            "--eureka.client.service-url.zone1=http://a:1/eureka/",
            "--eureka.client.service-url.defaultZone=http://d:4/eureka/",
        ])
        #expect(config.peerServiceURLs == ["http://a:1/eureka/", "http://d:4/eureka/"])
    }

    @Test func namesCompareRelaxedAndTheEnvironmentNamesZonesAndRegions() throws {
        let loaded = try ConfigFixture().load(environment: [
            "EUREKA_CLIENT_REGION": "eu-central-1",
            "EUREKA_CLIENT_AVAILABILITYZONES_EU_CENTRAL_1": "zoneA,zoneB",
            "EUREKA_CLIENT_SERVICEURL_ZONEA": "http://a:1/eureka/",
            "EUREKA_CLIENT_SERVICEURL_ZONEB": "http://b:2/eureka/",
        ])
        #expect(loaded.config.peerServiceURLs == ["http://a:1/eureka/", "http://b:2/eureka/"])
        #expect(loaded.warnings.isEmpty)
        #expect(loaded.source(of: "eureka.client.service-url.zoneb") == .environment(variable: "EUREKA_CLIENT_SERVICEURL_ZONEB"))
    }

    @Test func aHigherSourceReplacesAZonesListWhole() throws {
        let fixture = try ConfigFixture(["application.yml": """
            eureka.client.availability-zones.us-east-1: z1
            eureka.client.service-url.z1: [http://a:1/eureka/, http://b:2/eureka/]
            """])
        let loaded = try fixture.load(["--eureka.client.serviceUrl.Z1=http://c:3/eureka/"])
        #expect(loaded.config.peerServiceURLs == ["http://c:3/eureka/"])
    }

    @Test func aZoneURLGivenButNotUsedSaysSo() throws {
        let loaded = try ConfigFixture().load(["--eureka.client.service-url.zone9=http://z:9/eureka/"])
        #expect(loaded.config.peerServiceURLs.isEmpty)
        #expect(loaded.warnings == ["flag --eureka.client.service-url.zone9: eureka.client.service-url.zone9 is ignored: zone9 is not among the zones of region us-east-1 (eureka.client.availability-zones.us-east-1, default defaultZone)"])
    }

    @Test func aBadURLInAnyZoneIsABadValueNamingItsKey() throws {
        let loaded = try ConfigFixture().load(["--eureka.client.availability-zones.us-east-1=zone1",
                                               "--eureka.client.service-url.zone1=https://a:1/eureka/"])
        do {
            try EurekaNode.validate(loaded.config)
            Issue.record("validated")
        } catch {
            let located = loaded.locate(error)
            #expect(located == .located(.unusableValue(name: "eureka.client.service-url.zone1", value: "https://a:1/eureka/",
                                                       reason: "https peers are not supported (http only)"),
                                        .flag("--eureka.client.service-url.zone1")))
        }
    }

    @Test func printConfigShowsRegionZonesAndThePeerList() throws {
        let loaded = try ConfigFixture().load(["--eureka.client.availability-zones.us-east-1=zone1",
                                               "--eureka.client.service-url.zone1=http://u:secret@a:1/eureka/"])
        let report = loaded.report
        #expect(report.contains("eureka.client.region=us-east-1"))
        #expect(report.contains("eureka.client.availability-zones.us-east-1=zone1"))
        #expect(report.contains("eureka.client.service-url.zone1=http://u:***@a:1/eureka/"))
        #expect(report.contains("# peers, in order: http://u:***@a:1/eureka/"))
        #expect(!report.contains("secret"))
    }
}

/// The node replicates to the peers of every zone: they are its registered replicas.
@Suite struct ZonePeerNodeTests {
    @Test func theNodesReplicasComeFromEveryZone() throws {
        let node = try TestNode(["--eureka.server.registry-sync-retries=0",
                                 "--eureka.client.availability-zones.us-east-1=z2,z1",
                                 "--eureka.client.service-url.z1=http://127.0.0.1:1/eureka/",
                                 "--eureka.client.service-url.z2=http://127.0.0.1:2/eureka/,http://127.0.0.1:1/eureka/"])
        defer { node.stop() }
        let status = try JSON.object(node.get("/eureka/status").body)
        let replicas = try #require(status["applicationStats"] as? [String: String])
        #expect(replicas["registered-replicas"] == "http://127.0.0.1:2/eureka/, http://127.0.0.1:1/eureka/")
    }
}
