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
        <h2>Instances currently registered with Eureka</h2>
        <table><tr><th>Application</th><th>Instances</th><th>Status</th></tr>\(rows)</table></body></html>
        """
    }

    /// The XML text escaping of the codecs serves HTML text too.
    private static func escape(_ text: String) -> String {
        var out: [UInt8] = []
        out.appendXMLText(text, inAttribute: false)
        return String(decoding: out, as: UTF8.self)
    }
}
