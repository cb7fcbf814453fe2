/// The Prometheus text format of the node's counters and gauges (spec 10).
enum MetricsText {
    static func render(_ status: NodeStatus) -> String {
        let preservation = status.selfPreservation
        let http = status.http
        let cache = status.cache
        var lines: [String] = []
        func metric(_ name: String, _ type: String, _ help: String, _ value: Int) {
            metric(name, type, help, "\(value)")
        }
        func metric(_ name: String, _ type: String, _ help: String, _ value: String) {
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
        metric("eureka_http_received_bytes_total", "counter", "Bytes read from clients.", http.bytesIn)
        metric("eureka_http_sent_bytes_total", "counter", "Bytes of responses queued for clients.", http.bytesOut)
        metric("eureka_cache_hits_total", "counter", "Response cache hits.", cache.hits)
        metric("eureka_cache_misses_total", "counter", "Response cache misses.", cache.misses)
        metric("eureka_cache_waits_total", "counter", "Cache reads answered once a generation finished.", cache.waits)
        metric("eureka_cache_generations_total", "counter", "Cached payloads generated.", cache.generations)
        metric("eureka_cache_offloop_generations_total", "counter", "Generations run on the thread pool.", cache.offLoopGenerations)
        metric("eureka_cache_idle_generations_total", "counter",
               "Pool generations run under SCHED_IDLE (no reader waited for them).", cache.idleGenerations)
        metric("eureka_cache_generated_bytes_total", "counter", "Bytes of cached payloads generated (plain + gzip).", cache.generatedBytes)
        metric("eureka_cache_generation_seconds_total", "counter", "Time spent encoding and compressing payloads.",
               seconds(cache.generationMicros))
        metric("eureka_cache_snapshot_seconds_total", "counter", "Loop time spent copying registry snapshots.",
               seconds(cache.snapshotMicros))
        appendAdmission(status, metric)
        metric("eureka_replication_batches_received_total", "counter", "Peer replication batches received.", status.replicationReceived.batches)
        metric("eureka_replication_items_received_total", "counter", "Items of peer replication batches received.", status.replicationReceived.items)
        metric("eureka_anti_entropy_answers_total", "counter", "Peer digests answered with differing applications.", status.digestAnswers.count)
        metric("eureka_anti_entropy_answer_loop_seconds_total", "counter",
               "Loop time spent answering those digests (their JSON and gzip are made off the loop).", seconds(status.digestAnswers.loopMicros))
        metric("eureka_cache_evictions_total", "counter", "Per-application and VIP cache entries evicted as least recently read.",
               cache.evictions)
        if let lag = status.loopLag { appendLoopLag(lag, to: &lines) }
        if let stream = status.changeStream { appendChangeStream(stream, metric) }
        appendReplicas(status.replicas, to: &lines)
        appendAntiEntropy(status.replicas, to: &lines)
        if let requests = status.requests { appendRequests(requests, to: &lines) }
        if let process = status.process { appendProcess(process, to: &lines) }
        appendBuildInfo(to: &lines)
        return lines.joined(separator: "\n") + "\n"
    }

    /// Issue 18's protections: rate limiter (spec 8), overload guard, write timeout, superseded-version bound.
    private static func appendAdmission(_ status: NodeStatus, _ metric: (String, String, String, Int) -> Void) {
        let admission = status.admission
        metric("eureka_rate_limiter_over_limit_total", "counter", "Fetches over the rate limit (served when the limiter is off).",
               admission.rateLimited.overLimit)
        metric("eureka_rate_limiter_rejected_total", "counter", "Fetches answered 503 by the rate limiter.", admission.rateLimited.rejected)
        metric("eureka_overload_refused_total", "counter", "Full and delta fetches answered 503 by the overload guard.",
               admission.overloadRefused)
        metric("eureka_http_bulk_backlog_bytes", "gauge", "Bytes of large bodies queued on connections not yet drained.",
               admission.bulkBacklogBytes)
        metric("eureka_http_write_timeouts_total", "counter", "Connections closed because their output stopped moving.",
               status.http.writeTimeouts)
        metric("eureka_http_superseded_pinned_bytes", "gauge", "Bytes of superseded cached versions held by writing connections.",
               admission.supersededPinnedBytes)
        metric("eureka_http_superseded_holders_closed_total", "counter", "Connections closed to bound superseded versions held.",
               admission.supersededHoldersClosed)
    }

    /// One series per peer (label `peer`, its service URL without credentials), from real batch results (spec 7.6).
    private static func appendReplicas(_ replicas: [PeerReport], to lines: inout [String]) {
        guard !replicas.isEmpty else { return }
        func family(_ name: String, _ type: String, _ help: String, _ samples: [(labels: String, value: String)]) {
            lines.append("# HELP \(name) \(help)")
            lines.append("# TYPE \(name) \(type)")
            for sample in samples { lines.append("\(name){\(sample.labels)} \(sample.value)") }
        }
        func each(_ value: (PeerReport) -> Int) -> [(labels: String, value: String)] {
            replicas.map { (peerLabel($0), "\(value($0))") }
        }
        family("eureka_replication_peer_up", "gauge", "1 when the last exchange with the peer succeeded.",
               each { $0.health.state == .up ? 1 : 0 })
        family("eureka_replication_peer_available", "gauge", "1 when the last exchange with the peer got an HTTP response.",
               each { $0.health.isAvailable ? 1 : 0 })
        family("eureka_replication_queue_depth", "gauge", "Replication tasks pending for the peer.", each(\.queueDepth))
        func eachSeconds(_ millis: (PeerReport) -> Int) -> [(labels: String, value: String)] {
            replicas.map { (peerLabel($0), seconds(millis($0) * 1_000)) }
        }
        family("eureka_replication_oldest_task_age_seconds", "gauge", "Age of the oldest pending task.",
               eachSeconds { Int($0.oldestPendingAgeMs ?? 0) })
        family("eureka_replication_last_success_timestamp_seconds", "gauge",
               "When a batch to the peer last succeeded (epoch seconds, 0 never).", eachSeconds { Int($0.health.lastSuccessAt ?? 0) })
        family("eureka_replication_tasks_submitted_total", "counter", "Replication tasks submitted for the peer.", each(\.counters.submitted))
        family("eureka_replication_batches_sent_total", "counter", "Batches sent to the peer.", each(\.counters.batchesSent))
        family("eureka_replication_items_sent_total", "counter", "Items sent to the peer.", each(\.counters.itemsSent))
        family("eureka_replication_retries_total", "counter", "Tasks put back for retry.", each(\.counters.retried))
        family("eureka_replication_credential_refusals_total", "counter",
               "Batches and start-up fetches the peer refused with 401 (or a batch with 403): check the credentials of its URL.",
               each(\.health.credentialRefusals))
        family("eureka_replication_outcomes_total", "counter", "Batch outcomes by class.", replicas.flatMap { report in
            [("success", report.counters.successes), ("congestion", report.counters.congestions),
             ("transient", report.counters.transientErrors), ("permanent", report.counters.permanentErrors)]
                .map { (peerLabel(report) + ",outcome=\"\($0.0)\"", "\($0.1)") }
        })
        family("eureka_replication_dropped_total", "counter", "Tasks dropped unsent, by reason.", replicas.flatMap { report in
            [("overflow", report.counters.droppedOverflow), ("expiry", report.counters.droppedExpired),
             ("superseded", report.counters.droppedSuperseded)]
                .map { (peerLabel(report) + ",reason=\"\($0.0)\"", "\($0.1)") }
        })
    }

    /// Anti-entropy (docs/anti-entropy.md): rounds by outcome and repairs pushed by action, for peers it runs with.
    private static func appendAntiEntropy(_ replicas: [PeerReport], to lines: inout [String]) {
        let reports = replicas.compactMap { report in report.antiEntropy.map { (report, $0) } }
        guard !reports.isEmpty else { return }
        lines.append("# HELP eureka_anti_entropy_rounds_total Anti-entropy rounds with the peer, by outcome.")
        lines.append("# TYPE eureka_anti_entropy_rounds_total counter")
        for (report, rounds) in reports {
            for outcome in AntiEntropyPeer.Outcome.allCases {
                lines.append("eureka_anti_entropy_rounds_total{\(peerLabel(report)),outcome=\"\(outcome.rawValue)\"} \(rounds.rounds[outcome] ?? 0)")
            }
        }
        lines.append("# HELP eureka_anti_entropy_repairs_total Repairs pushed to the peer by anti-entropy, by replication action.")
        lines.append("# TYPE eureka_anti_entropy_repairs_total counter")
        for (report, rounds) in reports {
            for action in ["register", "status_update", "delete_status_override", "cancel"] {
                lines.append("eureka_anti_entropy_repairs_total{\(peerLabel(report)),action=\"\(action)\"} \(rounds.repairs[action] ?? 0)")
            }
        }
        func family(_ name: String, _ help: String, _ value: (AntiEntropyCost) -> String) {
            lines.append("# HELP \(name) \(help)")
            lines.append("# TYPE \(name) counter")
            for (report, rounds) in reports { lines.append("\(name){\(peerLabel(report))} \(value(rounds.cost))") }
        }
        family("eureka_anti_entropy_loop_seconds_total", "Loop time this node spent on anti-entropy rounds with the peer.") {
            seconds($0.loopMicros)
        }
        family("eureka_anti_entropy_sent_bytes_total", "Digest request bytes sent to the peer (before gzip).") { "\($0.bytesSent)" }
        family("eureka_anti_entropy_received_bytes_total", "Digest answer bytes read from the peer (after gzip).") { "\($0.bytesReceived)" }
    }

    private static func peerLabel(_ report: PeerReport) -> String {
        "peer=\"\(labelValue(report.url))\""
    }

    /// A label value with `\`, `"` and line feeds escaped (the text format's rules).
    static func labelValue(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}

extension MetricsText {
    /// The loop probe (issue #18): a histogram of how late its timer fired, and the worst lag and busy time seen.
    static func appendLoopLag(_ lag: LoopLagProbe.Reading, to lines: inout [String]) {
        func histogram(_ name: String, _ help: String, _ counts: [Int], sumMicros: Int) {
            lines.append("# HELP \(name) \(help)")
            lines.append("# TYPE \(name) histogram")
            var cumulative = 0
            for (index, bound) in LoopLagProbe.bucketBounds.enumerated() {
                cumulative += counts[index]
                lines.append("\(name)_bucket{le=\"\(bound)\"} \(cumulative)")
            }
            lines.append("\(name)_bucket{le=\"+Inf\"} \(lag.count)")
            lines.append("\(name)_sum \(seconds(sumMicros))")
            lines.append("\(name)_count \(lag.count)")
        }
        histogram("eureka_loop_lag_seconds", "How late the loop's probe timer fired: time callbacks held the loop.",
                  lag.bucketCounts, sumMicros: lag.sumMicros)
        histogram("eureka_loop_busy_seconds", "Loop-thread CPU time between two probe firings.",
                  lag.busyBucketCounts, sumMicros: lag.busySumMicros)
        lines.append("# HELP eureka_loop_lag_max_seconds The largest probe lag since start.")
        lines.append("# TYPE eureka_loop_lag_max_seconds gauge")
        lines.append("eureka_loop_lag_max_seconds \(seconds(lag.maxLagMicros))")
        lines.append("# HELP eureka_loop_busy_max_seconds The most loop-thread CPU time between two probe firings since start.")
        lines.append("# TYPE eureka_loop_busy_max_seconds gauge")
        lines.append("eureka_loop_busy_max_seconds \(seconds(lag.maxBusyMicros))")
    }
}
