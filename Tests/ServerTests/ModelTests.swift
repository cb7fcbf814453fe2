import Testing
@testable import Server

@Suite struct ModelTests {
    @Test func hashCodeSortsStatusesByName() {
        let code = Applications.reconcileHashCode(statuses: [.up, .down, .up, .outOfService])
        #expect(code == "DOWN_1_OUT_OF_SERVICE_1_UP_2_")
    }

    @Test func hashCodeOfEmptyRegistryIsEmptyString() {
        #expect(Applications.reconcileHashCode(statuses: []) == "")
    }

    @Test func effectiveIdFallsBackToAmazonThenHostName() {
        var info = InstanceInfo()
        info.hostName = "h1"
        #expect(info.effectiveId == "h1")
        info.dataCenterInfo = DataCenterInfo(name: .amazon, metadata: Metadata([("instance-id", "i-1")]))
        #expect(info.effectiveId == "i-1")
        info.instanceId = "x"
        #expect(info.effectiveId == "x")
    }
}
