/// The two sections Spring's dashboard leaves as bare numbers: why leases do or do not expire (spec 5.2, 5.3),
/// and how replication to each peer is going (spec 7.6).
extension DashboardPages {
    func selfPreservationSection(_ page: inout HTMLWriter, _ status: NodeStatus, _ census: RegistryCensus) {
        let (expected, threshold, renews) = status.selfPreservation
        let inputs = registry.thresholdInputs
        let exact = Double(expected) * (60.0 / Double(inputs.renewalIntervalSeconds)) * inputs.percent
        page.raw("<h2 id=self-preservation>Self-preservation</h2><table class=kv>")
        page.row("Expected clients sending renews", "\(expected)")
        page.row("Renews threshold (per minute)",
                 "\(expected) expected clients x (60 / \(inputs.renewalIntervalSeconds) s renewal interval) x "
                 + "\(inputs.percent) renewal-percent-threshold = \(threshold)"
                 + (Double(threshold) != exact ? " (\(exact) truncated)" : ""))
        page.row("Renews in the last minute", "\(renews)")
        page.row("Lease expiration enabled", "\(status.leaseExpirationEnabled)")
        page.raw("</table><p id=expiry-reason class=\(status.leaseExpirationEnabled ? "ok" : "warn")>")
        switch registry.leaseExpiryReason {
        case .selfPreservationDisabled:
            page.raw("Leases expire: self-preservation is disabled by setting (eureka.server.enable-self-preservation=false).")
        case .renewsAboveThreshold:
            page.raw("Leases expire: \(renews) renews in the last minute is above the threshold of \(threshold).")
        case .holdingBelowThreshold:
            page.raw(threshold == 0
                     ? "Leases are kept: the threshold is 0 (no renewals expected yet), so self-preservation holds every lease."
                     : "Leases are kept: \(renews) renews in the last minute is not above the threshold of \(threshold), "
                       + "so self-preservation holds every lease until renewals recover.")
        }
        page.raw("</p>")
        expiredKept(&page, census)
    }

    private func expiredKept(_ page: inout HTMLWriter, _ census: RegistryCensus) {
        let report = census.expiredKept
        page.raw("<h3>Expired leases being kept</h3>")
        guard let takenAt = report.takenAt else {
            page.raw("<p id=expired-kept>Not known yet: the first eviction run has not happened.</p>")
            return
        }
        page.raw("<p id=expired-kept>The last eviction run (")
        page.text(HTMLWriter.time(takenAt))
        page.raw(") kept \(report.count) expired lease\(report.count == 1 ? "" : "s")")
        guard report.count > 0 else {
            page.raw(".</p>")
            return
        }
        page.raw(report.count > report.first.count ? "; the first \(report.first.count):</p>" : ":</p>")
        page.raw("<table><tr><th>Application</th><th>Instance id</th><th>Lease expired at</th></tr>")
        for lease in report.first {
            page.raw("<tr><td>")
            page.link(applicationLink(lease.app), lease.app)
            page.raw("</td><td>")
            page.instanceAnchor(base: settings.basePath, app: lease.app, id: lease.id)
            page.raw("</td><td>")
            page.time(lease.dueAt)
            page.raw("</td></tr>")
        }
        page.raw("</table>")
    }

    /// Spring's DS Replicas list, with the health of each from real replication results.
    func replicasSection(_ page: inout HTMLWriter, _ replicas: [PeerReport]) {
        page.raw("<h2 id=replicas>DS Replicas</h2>")
        guard !replicas.isEmpty else {
            page.raw("<p>None: this node runs standalone.</p>")
            return
        }
        page.raw("<table id=replica-health><tr><th>Peer</th><th>State</th><th>Last success</th><th>Last error</th>"
                 + "<th>Queue depth</th><th>Lag (oldest queued task)</th><th>Batches / items sent</th>"
                 + "<th>Dropped (overflow / expired)</th></tr>")
        for replica in replicas {
            let health = replica.health
            let counters = replica.counters
            page.raw("<tr class=peer><td>")
            page.link(replica.url, replica.url)
            page.raw("</td><td>")
            page.text(health.state.rawValue)
            page.raw("</td><td>")
            page.text(health.lastSuccessAt.map(HTMLWriter.time) ?? "never")
            page.raw("</td><td>")
            page.text(health.lastError.map { "\($0.reason) (\(HTMLWriter.time($0.at)))" } ?? "-")
            page.raw("</td><td>\(replica.queueDepth)</td><td>")
            page.text(replica.oldestPendingAgeMs.map { "\($0) ms" } ?? "-")
            page.raw("</td><td>\(counters.batchesSent) / \(counters.itemsSent)</td>"
                     + "<td>\(counters.droppedOverflow) / \(counters.droppedExpired)</td></tr>")
        }
        page.raw("</table>")
    }
}
