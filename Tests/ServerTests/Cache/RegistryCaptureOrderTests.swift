import Testing
@testable import Server

/// Issue 19: the captured records are ordered through positions (one copy of each record, into its
/// application); the order is still applications by name and instances by id, both in UTF-8 byte order, with
/// patched records in their place and the records a patch removed left out.
@Suite struct RegistryCaptureOrderTests {
    private func record(_ id: String, _ app: String, status: InstanceStatus = .up) -> RegistryCapture.Record {
        RegistryCapture.Record(app: app, id: id, info: instance(id, app: app, status: status))
    }

    private func layout(_ apps: [Application]) -> [String] {
        apps.map { "\($0.name):" + $0.instances.map { "\($0.instanceId ?? "")/\($0.status.rawValue)" }.joined(separator: ",") }
    }

    @Test func recordsInAnyOrderComeOutByAppThenIdInByteOrder() {
        // Runs of one application interrupted by another, and ids whose byte order differs from String order.
        let records = [record("b", "APP-B"), record("a", "APP-B"), record("Z", "APP-A"), record("\u{e9}", "APP-B"),
                       record("e\u{301}", "APP-B"), record("a", "APP-A"), record("c", "APP-B"), record("B", "APP-A")]
        let apps = RegistryCapture.ordered(records)
        // Bytes, not Strings: "e\u{301}" and "é" are equal Strings but differ (and order) in bytes.
        let expected = ["APP-A:B/UP,Z/UP,a/UP", "APP-B:a/UP,b/UP,c/UP,e\u{301}/UP,\u{e9}/UP"]
        #expect(layout(apps).map { Array($0.utf8) } == expected.map { Array($0.utf8) })
    }

    @Test func patchesReplaceAddAndRemoveRecordsInBothDocuments() {
        var capture = RegistryCapture()
        capture.records = [record("i-2", "ORDERS"), record("i-1", "ORDERS"), record("i-9", "CART")]
        let patches: [RegistryCapture.RecordKey: InstanceInfo?] = [
            .init(app: "ORDERS", id: "i-1"): instance("i-1", app: "ORDERS", status: .down),  // changed
            .init(app: "CART", id: "i-9"): nil,                                             // cancelled
            .init(app: "AUDIT", id: "i-5"): instance("i-5", app: "AUDIT"),                   // registered
        ]
        capture.patches = patches
        capture.deltaRecords = [record("i-9", "CART"), record("i-2", "ORDERS")]
        capture.deltaPatches = [.init(app: "CART", id: "i-9"): instance("i-9", app: "CART", status: .outOfService)]
        capture.deltaVersion = 7
        let documents = capture.documents(for: [.allApps, .delta])
        guard case .applications(let full)? = documents[.allApps], case .applications(let delta)? = documents[.delta]
        else { Issue.record("both documents are made"); return }
        #expect(layout(full.applications) == ["AUDIT:i-5/UP", "ORDERS:i-1/DOWN,i-2/UP"])
        #expect(full.appsHashCode == "DOWN_1_UP_2_")
        #expect(layout(delta.applications) == ["CART:i-9/OUT_OF_SERVICE", "ORDERS:i-2/UP"])
        #expect(delta.appsHashCode == full.appsHashCode && delta.versionsDelta == 7)
        #expect(capture.currentRecords().map(\.id).sorted() == ["i-1", "i-2", "i-5"])
    }
}
