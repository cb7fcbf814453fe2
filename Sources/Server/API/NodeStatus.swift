/// What the operational pages (dashboard, metrics) show: counters and gauges read on the loop at the moment of
/// rendering, as one value, so the pages depend on neither the node nor its components.
struct NodeStatus {
    var instanceCount = 0
    var evictedTotal = 0
    var leaseExpirationEnabled = true
    var selfPreservation: (expected: Int, threshold: Int, renewsLastMinute: Int) = (0, 0, 0)
    var connections = 0
    var http = HTTPMetrics()
    var cache = ResponseCache.Metrics()
    /// False while the start-up sync runs (spec 5.6): health answers 503.
    var openForTraffic = true
    /// True once the node's stop began: health answers 503 to requests still arriving on open connections.
    var shuttingDown = false
    /// One report per peer (spec 7), empty when standalone.
    var replicas: [PeerReport] = []
    /// Peer batches and items this node received (7.5).
    var replicationReceived = (batches: 0, items: 0)
    /// Digests answered with differing applications, and the loop time they took (collecting the states; the JSON
    /// and gzip run on the pool): docs/anti-entropy.md, "Loop work".
    var digestAnswers = (count: 0, loopMicros: 0)
    /// Requests by endpoint class and status, with latency histograms (empty tables when nil).
    var requests: RequestMetrics.Snapshot?
    /// Admission control (issue 18): the rate limiter, the overload guard, slow clients.
    var admission = AdmissionCounters()
    /// The process's memory, CPU time and descriptors, read from /proc for this page.
    var process: ProcessStats?
    /// How late the loop's probe timer fired and how long callbacks held the loop (nil: no probe).
    var loopLag: LoopLagProbe.Reading?
    /// The change stream's counters (docs/change-stream.md); nil while it is off.
    var changeStream: StreamHub.Metrics?

    /// Why `/actuator/health` reports DOWN, nil when the node is UP.
    var downReason: String? {
        if shuttingDown { return "shutting down" }
        if !openForTraffic { return "start-up registry sync from peers in progress" }
        return nil
    }
}

/// What the admission protections did, for /metrics.
struct AdmissionCounters {
    var rateLimited = (overLimit: 0, rejected: 0)
    var overloadRefused = 0
    var bulkBacklogBytes = 0
    var supersededPinnedBytes = 0
    var supersededHoldersClosed = 0
}
