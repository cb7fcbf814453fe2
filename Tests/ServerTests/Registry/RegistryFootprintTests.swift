import Glibc
import Testing
@testable import Server

/// The registry's heap per instance (issue 19: at most 1 KiB of RSS per instance for the registry alone), counted
/// block by block (`RegistryFootprint`) for the record a Spring Boot Java client registers, the one the memory
/// benchmark preloads (bench/tools/instance.c's body): decoded from JSON as the register endpoint decodes it.
/// `EUREKA_FOOTPRINT_INSTANCES=100000` prints the breakdown at that size (bench/RESULTS.md records it).
@Suite struct RegistryFootprintTests {
    static func benchBody(_ i: Int, apps: Int = 100, prefix: String = "bench") -> [UInt8] {
        let vip = "\(prefix)-app-\(i % apps)"
        let app = vip.uppercased()
        let host = "\(prefix)-\(i)"
        let id = "\(host):\(vip):8080"
        let ip = "10.\((i >> 16) & 255).\((i >> 8) & 255).\(i & 255)"
        let dirty = "1732440000000"
        let body = """
            {"instance":{"instanceId":"\(id)","hostName":"\(host)","app":"\(app)","ipAddr":"\(ip)",\
            "status":"UP","overriddenStatus":"UNKNOWN","port":{"$":8080,"@enabled":"true"},\
            "securePort":{"$":443,"@enabled":"false"},"countryId":1,\
            "dataCenterInfo":{"@class":"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo","name":"MyOwn"},\
            "leaseInfo":{"renewalIntervalInSecs":30,"durationInSecs":90,"registrationTimestamp":0,\
            "lastRenewalTimestamp":0,"evictionTimestamp":0,"serviceUpTimestamp":0},\
            "metadata":{"management.port":"8080","zone":"zone-a","version":"1.4.2",\
            "git.commit":"3f9c2a1b7e5d","startup":"2024-11-24T09:20:00Z","instance.group":"default",\
            "profile":"production","region":"eu-west-1","build.time":"2024-11-20T17:03:11Z",\
            "prometheus.scrape":"true"},\
            "homePageUrl":"http://\(host):8080/","statusPageUrl":"http://\(host):8080/actuator/info",\
            "healthCheckUrl":"http://\(host):8080/actuator/health","vipAddress":"\(vip)","secureVipAddress":"\(vip)",\
            "isCoordinatingDiscoveryServer":"false","lastUpdatedTimestamp":"\(dirty)","lastDirtyTimestamp":"\(dirty)"}}
            """
        return Array(body.utf8)
    }

    /// Registers `count` bench records the way the register endpoint does (decode, validate, register).
    static func registry(with count: Int) -> RegistryHarness {
        let harness = RegistryHarness()
        for i in 0..<count {
            let decoded = try! InstanceCodec.decode(benchBody(i), format: .json, now: harness.now)
            guard case .success(let info) = RegistrationValidation.prepare(decoded, pathApp: decoded.info.app) else {
                fatalError("bench body \(i) did not validate")
            }
            harness.registry.register(info, leaseDurationSecs: 90, isReplication: false)
        }
        return harness
    }

    @Test func breakdownAtTheBenchmarkSize() throws {
        let size = getenv("EUREKA_FOOTPRINT_INSTANCES").flatMap { Int(String(cString: $0)) }
        guard let size else { return }
        let harness = Self.registry(with: size)
        print("registry footprint, bench records:\n" + RegistryFootprint(harness.registry).report(instances: size))
        print("InstanceInfo: \(MemoryLayout<InstanceInfo>.size) bytes inline in each lease")
    }

    /// Bench records at a size CI affords; the per-instance figure hardly depends on the count (the tables' load
    /// factors move it by a few bytes). At 100,000: 1,874 bytes before the interner (metadata arrays alone 800),
    /// 953 with it and the recently-changed list without its per-instance table.
    @Test func aTypicalJavaClientsRecordCostsUnderTheBound() {
        let count = 4_000
        let harness = Self.registry(with: count)
        let footprint = RegistryFootprint(harness.registry)
        let perInstance = footprint.total / count
        #expect(perInstance <= 1_000, "\(footprint.report(instances: count))")
        // The ten metadata entries every instance sends alike are stored once, not once per instance.
        #expect((footprint.bytes[.metadata] ?? 0) / count <= 8, "\(footprint.report(instances: count))")
    }
}
