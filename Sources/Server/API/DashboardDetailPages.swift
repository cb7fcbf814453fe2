/// The dashboard's views below the front page: one application (paginated), one instance, the search and the
/// recent-activity rings. Each reads a bounded part of the registry.
extension DashboardPages {
    /// nil when the application has no instance.
    func applicationPage(_ app: String, page number: Int) -> HTMLWriter? {
        let perPage = settings.instancesPerPage
        guard let (total, ids) = registry.instanceIds(app: app, offset: (number - 1) * perPage, limit: perPage) else { return nil }
        return document(title: "\(app) - Eureka") { page in
            page.raw("<h2 id=application>Application ")
            page.text(app)
            page.raw("</h2><p>\(total) instance\(total == 1 ? "" : "s").</p>")
            page.raw("<table id=application-instances><tr><th>Instance id</th><th>Status</th><th>Host</th><th>Last renewal</th></tr>")
            for id in ids {
                guard let detail = registry.leaseDetail(app: app, id: id) else { continue }
                page.raw("<tr><td>")
                page.instanceAnchor(base: settings.basePath, app: app, id: id)
                page.raw("</td><td>")
                status(&page, detail.record.status)
                page.raw("</td><td>")
                page.text(detail.record.hostName)
                page.raw("</td><td>")
                page.time(detail.record.leaseInfo?.lastRenewalTimestamp ?? 0)
                page.raw("</td></tr>")
            }
            page.raw("</table>")
            if ids.isEmpty { page.raw("<p>No instances on this page.</p>") }
            pager(&page, current: number, total: total, perPage: perPage) { applicationLink(app, page: $0) }
        }
    }

    func instancePage(_ detail: LeaseDetail) -> HTMLWriter {
        let record = detail.record
        let lease = record.leaseInfo ?? LeaseInfo()
        return document(title: "\(record.effectiveId) - Eureka") { page in
            page.raw("<h2 id=instance>Instance ")
            page.text(record.effectiveId)
            page.raw("</h2><p>Application ")
            page.link(applicationLink(record.app), record.app)
            page.raw("</p><table class=kv>")
            page.raw("<tr><th>Status</th><td>")
            status(&page, record.status)
            page.raw("</td></tr>")
            page.row("Status override", detail.override?.rawValue ?? "none")
            page.row("Host name", record.hostName)
            page.row("IP address", record.ipAddr)
            page.row("Port", record.port.enabled ? "\(record.port.number)" : "disabled")
            page.row("Secure port", record.securePort.enabled ? "\(record.securePort.number)" : "disabled")
            page.row("VIP address", record.vipAddress ?? "-")
            page.row("Secure VIP address", record.secureVipAddress ?? "-")
            page.row("Home page", record.homePageUrl ?? "-")
            page.row("Status page", record.statusPageUrl ?? "-")
            page.row("Health check", record.healthCheckUrl ?? "-")
            page.row("Registered", HTMLWriter.time(lease.registrationTimestamp))
            page.row("Last renewal", HTMLWriter.time(lease.lastRenewalTimestamp))
            page.row("Eviction due", HTMLWriter.time(detail.expiryDueAt)
                     + (detail.isExpired ? " (expired; kept while lease expiration is disabled)" : ""))
            page.row("Service up since", HTMLWriter.time(lease.serviceUpTimestamp))
            page.row("Renewal interval / lease duration", "\(lease.renewalIntervalInSecs) s / \(lease.durationInSecs) s")
            page.row("Last dirty timestamp", HTMLWriter.time(record.lastDirtyTimestamp))
            page.raw("</table><h3>Metadata</h3>")
            guard !record.metadata.isEmpty else {
                page.raw("<p class=muted>None.</p>")
                return
            }
            page.raw("<table id=metadata><tr><th>Key</th><th>Value</th></tr>")
            for entry in record.metadata { page.row(entry.key, entry.value) }
            page.raw("</table>")
        }
    }

    /// Application names containing the text (case-insensitive; from the status tally, so no walk of the
    /// leases), and the instance with exactly this id.
    func searchPage(_ text: String) -> HTMLWriter {
        let needle = String(text.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
        let upper = needle.uppercased()
        let matches = needle.isEmpty ? [] : registry.applicationNames(containing: upper, limit: settings.searchResults)
        let holders = needle.isEmpty ? [] : registry.applications(holding: needle)
        return document(title: "Search - Eureka") { page in
            page.raw("<h2 id=search>Search for &quot;")
            page.text(needle)
            page.raw("&quot;</h2>")
            guard !needle.isEmpty else {
                page.raw("<p>Type an application name (or part of one) or an instance id.</p>")
                return
            }
            page.raw("<h3>Instances with this id</h3>")
            if holders.isEmpty { page.raw("<p class=muted>None.</p>") }
            for app in holders.prefix(settings.searchResults) {
                page.raw("<p>")
                page.link(instanceLink(app: app, id: needle), needle)
                page.raw(" in ")
                page.link(applicationLink(app), app)
                page.raw("</p>")
            }
            page.raw("<h3>Applications</h3>")
            if matches.isEmpty { page.raw("<p class=muted>None.</p>") }
            page.raw("<ul>")
            for match in matches {
                page.raw("<li>")
                page.link(applicationLink(match.name), match.name)
                page.raw(" (\(match.total))</li>")
            }
            page.raw("</ul>")
            if matches.count == settings.searchResults { page.raw("<p class=muted>Only the first \(settings.searchResults) are shown.</p>") }
        }
    }

    func recentActivityPage() -> HTMLWriter {
        document(title: "Recent activity - Eureka") { page in
            page.raw("<h2 id=recent>The last \(RecentActivity.capacity) registrations and cancellations</h2>")
            recentTable(&page, "Newly registered leases", registry.recentlyRegistered[...])
            recentTable(&page, "Cancelled leases", registry.recentlyCancelled[...])
        }
    }
}
