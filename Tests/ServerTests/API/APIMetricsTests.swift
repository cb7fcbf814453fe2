import Foundation
@testable import Server
import Testing

/// The series `/metrics` gained for operators (spec 10): requests by class and status, latency, bytes, process, build.
@Suite(.serialized) struct APIMetricsTests {
    private func samples(_ node: TestNode) throws -> [String: String] {
        let reply = try node.request(path: "/actuator/prometheus")
        #expect(reply.status == 200)
        var samples: [String: String] = [:]
        for line in reply.text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " ") else { continue }
            samples[String(line[..<space])] = String(line[line.index(after: space)...])
        }
        return samples
    }

    @Test func requestsAreCountedByEndpointClassAndStatus() throws {
        let node = try TestNode()
        defer { node.stop() }
        try node.register(.orders(1))
        #expect(try node.heartbeat("ORDERS", "orders-1:orders:8080").status == 200)
        #expect(try node.heartbeat("ORDERS", "nobody").status == 404)
        _ = try node.get("/nothing")
        let samples = try samples(node)
        #expect(samples[#"eureka_http_server_requests_total{endpoint="register",status="204"}"#] == "1")
        #expect(samples[#"eureka_http_server_requests_total{endpoint="renew",status="200"}"#] == "1")
        #expect(samples[#"eureka_http_server_requests_total{endpoint="renew",status="404"}"#] == "1")
        #expect(samples[#"eureka_http_server_requests_total{endpoint="unrouted",status="404"}"#] == "1")
        #expect(samples[#"eureka_http_server_request_duration_seconds_count{endpoint="renew"}"#] == "2")
        #expect(samples[#"eureka_http_server_request_duration_seconds_bucket{endpoint="renew",le="+Inf"}"#] == "2")
    }

    @Test func bytesProcessAndBuildSeriesArePresent() throws {
        let node = try TestNode()
        defer { node.stop() }
        _ = try node.get("/actuator/health")
        let samples = try samples(node)
        #expect(Int(samples["eureka_http_received_bytes_total"] ?? "") ?? 0 > 20)
        #expect(Int(samples["eureka_http_sent_bytes_total"] ?? "") ?? 0 > 20)
        #expect(Int(samples["process_resident_memory_bytes"] ?? "") ?? 0 > 0)
        #expect(Int(samples["process_open_fds"] ?? "") ?? 0 > 0)
        for name in ["process_cpu_seconds_total", "process_start_time_seconds", "process_max_fds"] { #expect(samples[name] != nil, "\(name)") }
        #expect(samples[#"eureka_build_info{version="\#(BuildInfo.version)",commit="\#(BuildInfo.commit)"}"#] == "1")
    }
}
