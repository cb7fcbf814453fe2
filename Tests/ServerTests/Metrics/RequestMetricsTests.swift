@testable import Server
import Testing

/// The request tables behind `/metrics` and their text (spec 10).
struct RequestMetricsTests {
    @Test func recordCountsByClassAndStatusAndFillsOneBucket() {
        let metrics = RequestMetrics()
        metrics.record(.renew, status: 200, micros: 50)
        metrics.record(.renew, status: 404, micros: 700)
        metrics.record(.register, status: 299, micros: 2_000_000)
        let snapshot = metrics.snapshot
        let renew = RequestMetrics.EndpointClass.renew.rawValue
        #expect(snapshot.byStatus[renew * RequestMetrics.statusSlots + RequestMetrics.slot(of: 200)] == 1)
        #expect(snapshot.byStatus[renew * RequestMetrics.statusSlots + RequestMetrics.slot(of: 404)] == 1)
        #expect(snapshot.buckets[renew * RequestMetrics.bucketSlots + 0] == 1)  // <= 100 µs
        #expect(snapshot.buckets[renew * RequestMetrics.bucketSlots + 2] == 1)  // <= 1 ms
        #expect(snapshot.sumMicros[renew] == 750)
        let register = RequestMetrics.EndpointClass.register.rawValue
        #expect(snapshot.byStatus[register * RequestMetrics.statusSlots + RequestMetrics.statusSlots - 1] == 1)  // other
        #expect(snapshot.buckets[register * RequestMetrics.bucketSlots + RequestMetrics.bucketSlots - 1] == 1)  // +Inf
    }

    @Test func statusSlotsMatchTheCodeList() {
        for (index, code) in RequestMetrics.statusCodes.enumerated() { #expect(RequestMetrics.slot(of: code) == index) }
        #expect(RequestMetrics.slot(of: 201) == RequestMetrics.statusCodes.count)
    }

    @Test func endpointClassesFollowTheMethod() {
        typealias C = RequestMetrics.EndpointClass
        #expect(C(.app("A"), .post) == .register)
        #expect(C(.app("A"), .get) == .app)
        #expect(C(.instance(app: "A", id: "i"), .put) == .renew)
        #expect(C(.instance(app: "A", id: "i"), .delete) == .cancel)
        #expect(C(.instance(app: "A", id: "i"), .get) == .instance)
        #expect(C(.instanceStatus(app: "A", id: "i"), .put) == .statusOverride)
        #expect(C(.peerReplicationBatch, .post) == .batch)
        #expect(C(.metrics, .get) == .operational)
        #expect(C(nil, .get) == .unrouted)
        #expect(C.statusOverride.label == "status_override")
    }

    @Test func histogramTextIsCumulativeWithExactSeconds() {
        let metrics = RequestMetrics()
        metrics.record(.delta, status: 200, micros: 80)
        metrics.record(.delta, status: 200, micros: 3_000)
        var lines: [String] = []
        MetricsText.appendRequests(metrics.snapshot, to: &lines)
        let name = "eureka_http_server_request_duration_seconds"
        #expect(lines.contains("eureka_http_server_requests_total{endpoint=\"delta\",status=\"200\"} 2"))
        #expect(lines.contains("\(name)_bucket{endpoint=\"delta\",le=\"0.0001\"} 1"))
        #expect(lines.contains("\(name)_bucket{endpoint=\"delta\",le=\"0.005\"} 2"))
        #expect(lines.contains("\(name)_bucket{endpoint=\"delta\",le=\"+Inf\"} 2"))
        #expect(lines.contains("\(name)_sum{endpoint=\"delta\"} 0.00308"))
        #expect(lines.contains("\(name)_count{endpoint=\"delta\"} 2"))
        #expect(lines.contains("\(name)_count{endpoint=\"renew\"} 0"))
    }

    @Test(arguments: [(0, "0"), (1, "0.000001"), (1_500_000, "1.5"), (2_000_000, "2"), (100, "0.0001")])
    func secondsAreExactDecimals(micros: Int, text: String) {
        #expect(MetricsText.seconds(micros) == text)
    }

    @Test func processStatsAreReadFromProc() {
        let stats = ProcessStats.read()
        #expect(stats.residentBytes > 0)
        #expect(stats.openFDs > 0 && stats.maxFDs >= stats.openFDs)
        #expect(stats.startTimeSeconds > 1_600_000_000)
        #expect(stats.cpuSeconds >= 0)
    }
}
