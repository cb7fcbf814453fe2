import CEurekaServer
import Glibc
import Testing
@_spi(C) @testable import Server

/// InstanceInfo <-> the C structs: a registration is validated as HTTP's, a record is copied whole into one block.
@Suite struct CRecordTests {
    private func sample() -> InstanceInfo {
        var info = InstanceInfo()
        info.app = "ORDERS"
        info.instanceId = "orders-1"
        info.hostName = "orders-1.local"
        info.ipAddr = "10.0.0.9"
        info.status = .outOfService
        info.overriddenStatus = .outOfService
        info.port = PortInfo(number: 8443, enabled: false)
        info.vipAddress = "orders"
        info.homePageUrl = "http://orders-1.local/é"  // non-ASCII: bytes, not characters, are counted
        info.dataCenterInfo = .myOwn
        info.metadata = Metadata([("zone", "b"), ("", "empty key")])
        var lease = LeaseInfo(renewalIntervalInSecs: 10, durationInSecs: 20)
        lease.registrationTimestamp = 1_000
        lease.lastRenewalTimestamp = 2_000
        info.leaseInfo = lease
        info.lastDirtyTimestamp = 3_000
        info.lastUpdatedTimestamp = 4_000
        return info
    }

    @Test func aRecordIsCopiedWholeIntoOneBlock() throws {
        let record = try #require(RecordBlock.single(sample()))
        defer { free(record) }
        let instance = record.pointee.instance
        #expect(String(cString: instance.app) == "ORDERS")
        #expect(String(cString: instance.instance_id) == "orders-1")
        #expect(String(cString: instance.home_page_url) == "http://orders-1.local/é")
        #expect(instance.status_page_url == nil && instance.secure_vip_address == nil)
        #expect(String(cString: instance.data_center) == "MyOwn")
        #expect(instance.status == EUREKA_STATUS_OUT_OF_SERVICE && record.pointee.overridden_status == EUREKA_STATUS_OUT_OF_SERVICE)
        #expect(instance.port == 8443 && instance.port_enabled == 0)
        #expect(instance.lease_renewal_interval_secs == 10 && instance.lease_duration_secs == 20)
        #expect(record.pointee.registration_timestamp == 1_000 && record.pointee.last_renewal_timestamp == 2_000)
        #expect(record.pointee.last_dirty_timestamp == 3_000 && record.pointee.last_updated_timestamp == 4_000)
        #expect(instance.metadata_count == 2)
        #expect(String(cString: instance.metadata[1].key) == "" && String(cString: instance.metadata[1].value) == "empty key")
    }

    @Test func aListKeepsItsOrderAndAnEmptyOneHasNoRecords() throws {
        var second = sample()
        second.instanceId = "orders-2"
        let list = try #require(RecordBlock.list([sample(), second]))
        defer { free(list) }
        #expect(list.pointee.count == 2)
        #expect(String(cString: list.pointee.records[1].instance.instance_id) == "orders-2")
        let empty = try #require(RecordBlock.list([]))
        defer { free(empty) }
        #expect(empty.pointee.count == 0 && empty.pointee.records == nil)
    }

    @Test func aRegistrationIsValidatedAndNormalisedAsOverHTTP() throws {
        var instance = CInstance.defaults
        let info = try "app-name".withCString { app in
            try "host".withCString { host in
                try "10.0.0.1".withCString { ip in
                    instance.app = app
                    instance.host_name = host
                    instance.ip_addr = ip
                    instance.lease_duration_secs = 0
                    return try CInstance.record(from: instance, now: 77)
                }
            }
        }
        #expect(info.app == "APP-NAME" && info.effectiveId == "host")  // upper case; the host name is the id
        #expect(info.leaseInfo?.durationInSecs == 90 && info.dataCenterInfo == .myOwn)
        #expect(info.lastDirtyTimestamp == 77 && info.port == .defaultPort && info.securePort == .defaultSecurePort)
        instance.host_name = nil
        #expect(throws: EmbedFailure.self) { try CInstance.record(from: instance, now: 77) }
    }

    @Test func onlyChangesAHostCanSeeBecomeEvents() {
        var record = sample()
        record.status = .down
        let registration = RegistryEvent.Registration(lease: Lease(instance: record, id: record.effectiveId, durationSecs: 90, now: 0),
                                                      replaced: nil, serverInstanceId: nil)
        #expect(HostEventSink.classify(.registered(registration, isReplication: true))! == (EUREKA_EVENT_REGISTERED, true))
        #expect(HostEventSink.classify(.evicted(record))! == (EUREKA_EVENT_EXPIRED, false))
        #expect(HostEventSink.classify(.statusUpdated(record, changed: true, isReplication: false))! == (EUREKA_EVENT_STATUS_CHANGED, false))
        #expect(HostEventSink.classify(.statusUpdated(record, changed: false, isReplication: false)) == nil)
        #expect(HostEventSink.classify(.statusOverrideDeleted(record, removed: false, isReplication: true)) == nil)
        #expect(HostEventSink.classify(.statusCorrected(record))! == (EUREKA_EVENT_STATUS_CHANGED, false))
        let beat = RegistryEvent.Heartbeat(app: "A", id: "a", status: .up, lastDirtyTimestamp: 0, overriddenStatus: nil,
                                           isReplication: false, leaseInfo: nil)
        #expect(HostEventSink.classify(.heartbeat(beat)) == nil)
    }
}
