/// The dashboard's front page: Spring Cloud's sections (System Status, DS Replicas, Instances currently
/// registered, General Info, Instance Info) and the self-preservation explainer. Its size is bounded by the
/// settings (applications per page, ids per application, expired leases listed), not by the registry.
extension DashboardPages {
    func frontPage(_ status: NodeStatus, page number: Int) -> HTMLWriter {
        let perPage = settings.applicationsPerPage
        let census = registry.census(offset: (number - 1) * perPage, limit: perPage, sampleLimit: settings.idsPerApplication)
        return document(title: "Eureka dashboard") { page in
            if !status.leaseExpirationEnabled {
                page.raw("<p class=warn id=self-preservation-warning>Self-preservation is holding: fewer renewals arrived "
                         + "in the last minute than the threshold expects, so no lease expires. Instances shown UP may "
                         + "be gone; see the explanation below.</p>")
            }
            systemStatus(&page, status)
            selfPreservationSection(&page, status, census)
            replicasSection(&page, status.replicas)
            instancesSection(&page, census, page: number)
            generalInfo(&page, status)
            instanceInfo(&page)
            recentSummary(&page)
        }
    }

    private func systemStatus(_ page: inout HTMLWriter, _ status: NodeStatus) {
        let preservation = status.selfPreservation
        page.raw("<h2 id=system-status>System Status</h2><table class=kv>")
        page.row("Environment", statusPage.environment)
        page.row("Data center", statusPage.ownInstance().dataCenterInfo?.name.rawValue ?? "MyOwn")
        page.row("Current time", HTMLWriter.time(time.nowMillis()))
        page.row("Uptime", StatusPage.uptime(seconds: statusPage.uptimeSeconds))
        page.row("Lease expiration enabled", "\(status.leaseExpirationEnabled)")
        page.row("Renews threshold", "\(preservation.threshold)")
        page.row("Renews (last min)", "\(preservation.renewsLastMinute)")
        page.raw("</table>")
    }

    private func instancesSection(_ page: inout HTMLWriter, _ census: RegistryCensus, page number: Int) {
        page.raw("<h2 id=instances>Instances currently registered with Eureka</h2>")
        page.raw("<p class=muted>\(census.instanceCount) instances in \(census.applicationCount) applications.</p>")
        guard census.applicationCount > 0 else {
            page.raw("<p>No instances available</p>")
            return
        }
        let perPage = settings.applicationsPerPage
        page.raw("<table id=applications><tr><th>Application</th><th>Instances</th><th>Status</th><th>Instance ids</th></tr>")
        for summary in census.applications {
            page.raw("<tr><td>")
            page.link(applicationLink(summary.name), summary.name)
            page.raw("</td><td>\(summary.total)</td><td>")
            var first = true
            for state in InstanceStatus.allCases where summary.count(state) > 0 {
                if !first { page.raw(", ") }
                first = false
                status(&page, state)
                page.raw(" (\(summary.count(state)))")
            }
            page.raw("</td><td>")
            for (index, id) in summary.sampleIds.enumerated() {
                if index > 0 { page.raw(", ") }
                page.instanceAnchor(base: settings.basePath, app: summary.name, id: id)
            }
            if summary.total > summary.sampleIds.count {
                page.raw(" ... ")
                page.link(applicationLink(summary.name), "all \(summary.total)")
            }
            page.raw("</td></tr>")
        }
        page.raw("</table>")
        if census.applications.isEmpty { page.raw("<p>No applications on this page.</p>") }
        pager(&page, current: number, total: census.applicationCount, perPage: perPage, link: pageLink)
    }

    private func generalInfo(_ page: inout HTMLWriter, _ status: NodeStatus) {
        page.raw("<h2 id=general-info>General Info</h2><table class=kv>")
        for (name, value) in statusPage.generalStats + statusPage.applicationStats(status.replicas) {
            page.row(name, value)
        }
        page.raw("</table>")
    }

    private func instanceInfo(_ page: inout HTMLWriter) {
        let own = statusPage.ownInstance()
        page.raw("<h2 id=instance-info>Instance Info</h2><table class=kv>")
        page.row("ipAddr", own.ipAddr)
        page.row("status", own.status.rawValue)
        page.raw("</table>")
    }

    /// The ten newest of each ring; the recent-activity view lists all 1,000.
    private func recentSummary(_ page: inout HTMLWriter) {
        page.raw("<h2 id=recent>Recent activity</h2>")
        recentTable(&page, "Newly registered leases", registry.recentlyRegistered(last: 10)[...])
        recentTable(&page, "Cancelled leases", registry.recentlyCancelled(last: 10)[...])
        page.link(recentLink, "The last 1,000 of each")
    }

    /// Newest first.
    func recentTable(_ page: inout HTMLWriter, _ title: String, _ items: ArraySlice<(time: Int64, app: String, id: String)>) {
        page.raw("<h3>")
        page.text(title)
        page.raw("</h3>")
        guard !items.isEmpty else {
            page.raw("<p class=muted>None since start-up.</p>")
            return
        }
        page.raw("<table><tr><th>Time</th><th>Application</th><th>Instance id</th></tr>")
        for item in items.reversed() {
            page.raw("<tr><td>")
            page.time(item.time)
            page.raw("</td><td>")
            page.text(item.app)
            page.raw("</td><td>")
            page.instanceAnchor(base: settings.basePath, app: item.app, id: item.id)
            page.raw("</td></tr>")
        }
        page.raw("</table>")
    }
}
