/// The Prometheus text format of the node's counters and gauges (spec 10).
enum MetricsText {
    static func render(_ status: NodeStatus) -> String {
        let preservation = status.selfPreservation
        let http = status.http
        let cache = status.cache
        var lines: [String] = []
        func metric(_ name: String, _ type: String, _ help: String, _ value: Int) {
            lines.append("# HELP \(name) \(help)")
            lines.append("# TYPE \(name) \(type)")
            lines.append("\(name) \(value)")
        }
        metric("eureka_registry_instances", "gauge", "Registered instances (leases).", status.instanceCount)
        metric("eureka_renews_last_minute", "gauge", "Renewals counted in the last complete minute.", preservation.renewsLastMinute)
        metric("eureka_renew_threshold", "gauge", "Self-preservation renewal threshold.", preservation.threshold)
        metric("eureka_expected_clients", "gauge", "Expected number of clients sending renews.", preservation.expected)
        metric("eureka_lease_expiration_enabled", "gauge", "1 when eviction may expire leases.", status.leaseExpirationEnabled ? 1 : 0)
        metric("eureka_evictions_total", "counter", "Leases evicted.", status.evictedTotal)
        metric("eureka_http_connections", "gauge", "Open client connections.", status.connections)
        metric("eureka_http_requests_total", "counter", "Requests decoded.", http.requests)
        metric("eureka_http_refused_total", "counter", "Connections refused over the limit.", http.refused)
        metric("eureka_http_decode_failures_total", "counter", "Requests rejected as malformed or too large.", http.decodeFailures)
        metric("eureka_cache_hits_total", "counter", "Response cache hits.", cache.hits)
        metric("eureka_cache_misses_total", "counter", "Response cache misses.", cache.misses)
        metric("eureka_cache_waits_total", "counter", "Cache reads answered once a generation finished.", cache.waits)
        metric("eureka_cache_generations_total", "counter", "Cached payloads generated.", cache.generations)
        metric("eureka_cache_offloop_generations_total", "counter", "Generations run on the thread pool.", cache.offLoopGenerations)
        metric("eureka_cache_generated_bytes_total", "counter", "Bytes of cached payloads generated (plain + gzip).", cache.generatedBytes)
        metric("eureka_cache_generation_microseconds_total", "counter", "Time spent encoding and compressing payloads.", cache.generationMicros)
        metric("eureka_cache_snapshot_microseconds_total", "counter", "Loop time spent copying registry snapshots.", cache.snapshotMicros)
        return lines.joined(separator: "\n") + "\n"
    }
}
