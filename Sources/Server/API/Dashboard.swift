/// A read-only HTML page like Spring Cloud's dashboard: the registry and the self-preservation state.
enum Dashboard {
    static func render(_ status: NodeStatus, applications: [Application]) -> String {
        let preservation = status.selfPreservation
        var rows = ""
        for application in applications {
            let statuses = Dictionary(grouping: application.instances, by: \.status)
                .sorted { $0.key < $1.key }
                .map { "<b>\($0.key.rawValue)</b> (\($0.value.count)) - " + $0.value.map { escape($0.effectiveId) }.joined(separator: ", ") }
                .joined(separator: "<br>")
            rows += "<tr><td>\(escape(application.name))</td><td>\(application.instances.count)</td><td>\(statuses)</td></tr>"
        }
        if rows.isEmpty { rows = "<tr><td colspan=3>No instances available</td></tr>" }
        let warning = status.leaseExpirationEnabled ? "" :
            "<p class=warn>Self-preservation is holding: renewals are below the threshold, so instances are not being expired.</p>"
        return """
        <!doctype html><html><head><meta charset=utf-8><title>Eureka</title>
        <style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px}.warn{color:#b00;font-weight:bold}</style>
        </head><body><h1>Eureka registry</h1>\(warning)
        <h2>System status</h2><table><tr><td>Instances</td><td>\(status.instanceCount)</td></tr>
        <tr><td>Renews threshold</td><td>\(preservation.threshold)</td></tr><tr><td>Renews (last min)</td><td>\(preservation.renewsLastMinute)</td></tr>
        <tr><td>Lease expiration enabled</td><td>\(status.leaseExpirationEnabled)</td></tr></table>
        \(replicaSection(status.replicas))
        <h2>Instances currently registered with Eureka</h2>
        <table><tr><th>Application</th><th>Instances</th><th>Status</th></tr>\(rows)</table></body></html>
        """
    }

    /// The peers and how replication to each is going, from real batch results (spec 7.6).
    private static func replicaSection(_ replicas: [PeerReport]) -> String {
        guard !replicas.isEmpty else { return "<h2>DS Replicas</h2><p>None: this node runs standalone.</p>" }
        var rows = ""
        for replica in replicas {
            let health = replica.health
            let lastError = health.lastError.map { escape($0.reason) + " (at \($0.at))" } ?? "-"
            let counters = replica.counters
            rows += "<tr><td>\(escape(replica.url))</td><td>\(health.state.rawValue)</td>"
                + "<td>\(health.lastSuccessAt.map(String.init) ?? "never")</td><td>\(lastError)</td>"
                + "<td>\(replica.queueDepth)</td><td>\(replica.oldestPendingAgeMs.map { "\($0) ms" } ?? "-")</td>"
                + "<td>\(counters.batchesSent) / \(counters.itemsSent)</td>"
                + "<td>\(counters.droppedOverflow) / \(counters.droppedExpired)</td></tr>"
        }
        return "<h2>DS Replicas</h2><table><tr><th>Peer</th><th>State</th><th>Last success (epoch ms)</th><th>Last error</th>"
            + "<th>Queue</th><th>Oldest task</th><th>Batches / items sent</th><th>Dropped (overflow / expired)</th></tr>"
            + rows + "</table>"
    }

    /// The XML text escaping of the codecs serves HTML text too.
    private static func escape(_ text: String) -> String {
        var out: [UInt8] = []
        out.appendXMLText(text, inAttribute: false)
        return String(decoding: out, as: UTF8.self)
    }
}
