/// The request, process and build series of the metrics page (spec 10).
extension MetricsText {
    /// `eureka_http_server_requests_total{endpoint,status}` (only the pairs seen) and the latency histogram
    /// `eureka_http_server_request_duration_seconds{endpoint}` (every class, so a quiet class reads 0).
    static func appendRequests(_ requests: RequestMetrics.Snapshot, to lines: inout [String]) {
        let classes = RequestMetrics.EndpointClass.allCases
        let counts = "eureka_http_server_requests_total"
        lines.append("# HELP \(counts) Requests answered, by endpoint class and status code.")
        lines.append("# TYPE \(counts) counter")
        for endpointClass in classes {
            for slot in 0..<RequestMetrics.statusSlots {
                let value = requests.byStatus[endpointClass.rawValue * RequestMetrics.statusSlots + slot]
                guard value > 0 else { continue }
                let code = slot < RequestMetrics.statusCodes.count ? String(RequestMetrics.statusCodes[slot]) : "other"
                lines.append("\(counts){endpoint=\"\(endpointClass.label)\",status=\"\(code)\"} \(value)")
            }
        }
        let duration = "eureka_http_server_request_duration_seconds"
        lines.append("# HELP \(duration) Time from a decoded request to its answer, by endpoint class.")
        lines.append("# TYPE \(duration) histogram")
        for endpointClass in classes {
            let label = "endpoint=\"\(endpointClass.label)\""
            var cumulative = 0
            for bucket in 0..<RequestMetrics.bucketSlots {
                cumulative += requests.buckets[endpointClass.rawValue * RequestMetrics.bucketSlots + bucket]
                let bound = bucket < RequestMetrics.bucketMicros.count ? seconds(RequestMetrics.bucketMicros[bucket]) : "+Inf"
                lines.append("\(duration)_bucket{\(label),le=\"\(bound)\"} \(cumulative)")
            }
            lines.append("\(duration)_sum{\(label)} \(seconds(requests.sumMicros[endpointClass.rawValue]))")
            lines.append("\(duration)_count{\(label)} \(cumulative)")
        }
    }

    static func appendProcess(_ process: ProcessStats, to lines: inout [String]) {
        func metric(_ name: String, _ type: String, _ help: String, _ value: String) {
            lines.append("# HELP \(name) \(help)")
            lines.append("# TYPE \(name) \(type)")
            lines.append("\(name) \(value)")
        }
        metric("process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.", "\(process.cpuSeconds)")
        metric("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", "\(process.residentBytes)")
        metric("process_open_fds", "gauge", "Number of open file descriptors.", "\(process.openFDs)")
        metric("process_max_fds", "gauge", "Maximum number of open file descriptors.", "\(process.maxFDs)")
        metric("process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.",
               "\(process.startTimeSeconds)")
    }

    /// `eureka_build_info{version,commit} 1`, from the BuildInfo generated at build time.
    static func appendBuildInfo(to lines: inout [String]) {
        lines.append("# HELP eureka_build_info The version and commit this node was built from.")
        lines.append("# TYPE eureka_build_info gauge")
        lines.append("eureka_build_info{version=\"\(labelValue(BuildInfo.version))\",commit=\"\(labelValue(BuildInfo.commit))\"} 1")
    }

    /// Microseconds as decimal seconds, exactly (no binary floating point on the way).
    static func seconds(_ micros: Int) -> String {
        let whole = micros / 1_000_000
        var fraction = String(micros % 1_000_000)
        fraction = String(repeating: "0", count: 6 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return fraction.isEmpty ? "\(whole)" : "\(whole).\(fraction)"
    }
}
