import Testing
@testable import Server

/// A dashboard over a registry driven with a manual clock (no node, no loop).
private final class DashboardHarness {
    let h: RegistryHarness
    let pages: DashboardPages

    init(configure: (inout RegistrySettings) -> Void = { _ in }, basePath: String = "/") {
        h = RegistryHarness(configure: configure)
        let statusPage = StatusPage(settings: .init(), identity: NodeIdentity(config: ServerConfig()),
                                    startedAtMillis: h.now, time: h.clock)
        pages = DashboardPages(settings: .init(basePath: basePath), registry: h.registry, statusPage: statusPage, time: h.clock)
    }

    var status: NodeStatus {
        NodeStatus(instanceCount: h.registry.instanceCount, leaseExpirationEnabled: h.registry.isLeaseExpirationEnabled,
                   selfPreservation: h.registry.selfPreservation)
    }

    func get(_ query: String) -> (status: Int, html: String) {
        let response = pages.render(Query(Array(query.utf8).drop { $0 == UInt8(ascii: "?") }), status: status)
        guard case .bytes(let bytes) = response.body else { return (response.status, "") }
        return (response.status, String(decoding: bytes, as: UTF8.self))
    }

    /// `apps` applications of `perApp` instances each, ids `APPn-i`.
    func fill(apps: Int, perApp: Int) {
        for a in 0..<apps {
            for i in 0..<perApp { h.register(instance("APP\(a)-\(i)", app: "APP\(a)")) }
        }
    }
}

@Suite struct DashboardTests {
    @Test func aViewIsReusedForOneSecondThenRenderedAnew() {
        let d = DashboardHarness()
        var statusReads = 0
        func view(_ url: String) -> (status: Int, html: String) {
            let response = d.pages.view(url: Array(url.utf8)[...], status: { statusReads += 1; return d.status })
            guard case .shared(let bytes) = response.body else { return (response.status, "") }
            return (response.status, String(decoding: bytes.bytes, as: UTF8.self))
        }
        d.h.register(instance("a1", app: "ORDERS"))
        let first = view("/")
        d.h.register(instance("b1", app: "BILLING"))
        d.h.advance(999)
        let reused = view("/")
        #expect(reused.html == first.html && !reused.html.contains("BILLING") && statusReads == 1)
        #expect(view("/?page=1").html.contains("BILLING"), "another URL is another view")
        d.h.advance(1)
        #expect(view("/").html.contains("BILLING") && statusReads == 3)
        // Errors are never reused: a 404 for an application that appears a moment later must not stick.
        #expect(d.pages.view(url: Array("/?app=LATE".utf8)[...], status: { d.status }).status == 404)
        d.h.register(instance("l1", app: "LATE"))
        #expect(d.pages.view(url: Array("/?app=LATE".utf8)[...], status: { d.status }).status == 200)
    }

    @Test func frontPageHasSpringsSectionsAndCountsByStatus() {
        let d = DashboardHarness()
        d.h.register(instance("a1", app: "ORDERS"))
        d.h.register(instance("a2", app: "ORDERS", status: .down))
        d.h.register(instance("b1", app: "BILLING", status: .outOfService))
        let page = d.get("")
        #expect(page.status == 200)
        for section in ["System Status", "DS Replicas", "Instances currently registered with Eureka", "General Info",
                        "Instance Info", "Self-preservation", "Newly registered leases", "Cancelled leases",
                        "Renews threshold", "Renews (last min)", "Lease expiration enabled", "num-of-cpus",
                        "total-avail-memory", "current-memory-usage", "server-uptime", "registered-replicas",
                        "available-replicas", "unavailable-replicas", "ipAddr", "Data center", "Current time"] {
            #expect(page.html.contains(section), "missing \(section)")
        }
        #expect(page.html.contains("<span class=UP>UP</span> (1), <span class=DOWN>DOWN</span> (1)"))
        #expect(page.html.contains("<span class=OUT_OF_SERVICE>OUT_OF_SERVICE</span> (1)"))
        #expect(page.html.contains("href=\"/?app=ORDERS&amp;instance=a1\""))
        #expect(page.html.contains("href=\"/?app=BILLING\""))
        #expect(!page.html.contains("<script"))
    }

    @Test func explainerWritesTheThresholdArithmeticAndWhyLeasesAreKept() {
        let d = DashboardHarness()
        d.h.registry.openForTraffic(count: 5)
        d.h.register(instance("a1"))  // E 5 -> 6
        d.h.advance(200_000)           // a1 expired, no renewals: R = 0 <= T
        #expect(d.h.registry.evict() == nil)
        let page = d.get("").html
        #expect(page.contains("6 expected clients x (60 / 30 s renewal interval) x 0.85 renewal-percent-threshold = 10 (10.2 truncated)"))
        #expect(page.contains("Leases are kept: 0 renews in the last minute is not above the threshold of 10"))
        #expect(page.contains("id=self-preservation-warning"))
        #expect(page.contains("<p id=expired-kept>The last eviction run (2023-11-14 22:16:40 UTC) kept 1 expired lease:"))
        #expect(page.contains("href=\"/?app=ORDERS&amp;instance=a1\""))
    }

    @Test func explainerSaysWhenLeasesExpire() {
        let disabled = DashboardHarness { $0.enableSelfPreservation = false }
        disabled.h.register(instance("a1"))
        #expect(disabled.get("").html.contains("self-preservation is disabled by setting"))
        #expect(disabled.h.registry.leaseExpiryReason == .selfPreservationDisabled)

        let healthy = DashboardHarness()
        healthy.h.registry.openForTraffic(count: 1)  // E 1: T = 1
        healthy.h.register(instance("a1"))             // E 2: T = 3
        for _ in 0..<5 { _ = healthy.h.renew("a1") }
        healthy.h.registry.rotateRenewsPerMinute()
        #expect(healthy.h.registry.leaseExpiryReason == .renewsAboveThreshold)
        let page = healthy.get("").html
        #expect(page.contains("Leases expire: 5 renews in the last minute is above the threshold of 3."))
        #expect(!page.contains("id=self-preservation-warning"))
    }

    @Test func expiredButKeptListIsBoundedAndCountsEveryOne() {
        let d = DashboardHarness()
        d.fill(apps: 3, perApp: 60)
        d.h.advance(200_000)
        _ = d.h.registry.evict()
        #expect(d.h.registry.expiredKept.count == 180)
        #expect(d.h.registry.expiredKept.first.count == 100)
        let page = d.get("").html
        #expect(page.contains("kept 180 expired leases; the first 100:"))
        #expect(page.components(separatedBy: "<tr><td><a href=\"/?app=APP").count - 1 == 3 + 100)
    }

    /// Beyond the eviction limit (15 % of the registry by default), expired leases stay until the next run.
    @Test func expiredLeasesBeyondTheEvictionLimitAreReportedKept() {
        let d = DashboardHarness { $0.enableSelfPreservation = false }
        d.fill(apps: 1, perApp: 100)
        d.h.advance(200_000)
        let run = d.h.registry.evict()
        #expect(run?.expired == 100)
        #expect(d.h.registry.expiredKept.count == 100 - (run?.evicted ?? 0))
        #expect(d.h.registry.expiredKept.count > 0)
    }

    /// The front page's size does not follow the registry's, and a large registry is not walked per view.
    @Test func frontPageAtTwentyThousandInstancesIsBoundedAndReusesItsCensus() {
        let d = DashboardHarness()
        d.fill(apps: 100, perApp: 200)
        d.h.advance(200_000)  // every lease expired, but no eviction run yet: a view must not go and look
        let first = d.get("")
        #expect(first.status == 200)
        #expect(first.html.utf8.count < 48 * 1024, "front page is \(first.html.utf8.count) bytes")
        #expect(first.html.components(separatedBy: "&amp;instance=").count - 1 <= 25 * 10 + 10)
        #expect(first.html.contains("20000 instances in 100 applications"))
        #expect(first.html.contains("page 1 of 4"))
        #expect(first.html.contains("<span class=UP>UP</span> (200)"))
        #expect(first.html.contains("Not known yet: the first eviction run has not happened."))
        _ = d.h.registry.evict()
        let after = d.get("").html
        #expect(after.contains("kept 20000 expired leases; the first 100:"))
        #expect(after.utf8.count < 64 * 1024, "front page is \(after.utf8.count) bytes")
        // The instances section only: the expired-kept list above it starts with APP0 (application, id order).
        let last = d.get("?page=4").html.components(separatedBy: "id=instances>").last ?? ""
        #expect(last.contains("href=\"/?app=APP99\""))
        #expect(!last.contains("href=\"/?app=APP0\""))
    }

    /// The tally the front page reads must equal a count of the leases after any sequence of changes.
    @Test func statusTallyMatchesTheLeasesAfterEveryKindOfChange() {
        let d = DashboardHarness()
        let r = d.h.registry
        var random = SplitMix64(seed: 7)
        let statuses = InstanceStatus.allCases.filter { $0 != .unknown }
        for step in 0..<3_000 {
            let app = "APP\(random.next() % 4)"
            let id = "i\(random.next() % 40)"
            switch random.next() % 6 {
            case 0, 1: d.h.register(instance(id, app: app, status: statuses[Int(random.next() % 4)], dirty: Int64(step)))
            case 2: _ = r.cancel(app: app, id: id, isReplication: false)
            case 3: _ = r.statusUpdate(app: app, id: id, to: statuses[Int(random.next() % 4)], lastDirtyTimestamp: nil, isReplication: false)
            case 4: _ = r.deleteStatusOverride(app: app, id: id, newStatus: .up, lastDirtyTimestamp: nil, isReplication: false)
            default: _ = r.renew(app: app, id: id, isReplication: false)
            }
        }
        var walked: [String: [Int]] = [:]
        for (app, leases) in r.apps {
            for lease in leases.values { walked[app, default: [0, 0, 0, 0, 0]][StatusTally.index(lease.instance.status)] += 1 }
        }
        #expect(r.statusTally.countsByApp == walked)
        #expect(walked.values.map { $0.reduce(0, +) }.reduce(0, +) == r.instanceCount)
    }

    @Test func countsFollowEachRegistration() {
        let d = DashboardHarness()
        d.h.register(instance("a1"))
        #expect(d.get("").html.contains("1 instances in 1 applications"))
        d.h.register(instance("a2"))
        #expect(d.get("").html.contains("2 instances in 1 applications"))
    }

    @Test func applicationPageIsPaginatedAndSorted() {
        let d = DashboardHarness()
        d.fill(apps: 1, perApp: 250)
        let first = d.get("?app=app0").html  // the name is upper-cased like every app name
        #expect(first.contains("250 instances."))
        #expect(first.components(separatedBy: "&amp;instance=").count - 1 == 100)
        #expect(first.contains("page 1 of 3"))
        let third = d.get("?app=APP0&page=3").html
        #expect(third.components(separatedBy: "&amp;instance=").count - 1 == 50)
        #expect(d.get("?app=APP0&page=4").html.contains("No instances on this page."))
        let ids = d.h.registry.instanceIds(app: "APP0", offset: 0, limit: 3)?.ids
        #expect(ids == ["APP0-0", "APP0-1", "APP0-10"])
    }

    @Test func instancePageShowsLeaseTimesOverrideAndMetadata() {
        let d = DashboardHarness()
        var info = instance("a1")
        info.metadata = Metadata([("zone", "eu-1"), ("version", "42")])
        d.h.register(info)
        d.h.advance(1_000)
        _ = d.h.renew("a1")
        _ = d.h.registry.statusUpdate(app: "ORDERS", id: "a1", to: .outOfService, lastDirtyTimestamp: nil, isReplication: false)
        let page = d.get("?app=ORDERS&instance=a1").html
        #expect(page.contains("<tr><th>Status override</th><td>OUT_OF_SERVICE</td></tr>"))
        #expect(page.contains("<tr><th>zone</th><td>eu-1</td></tr>"))
        #expect(page.contains("<tr><th>version</th><td>42</td></tr>"))
        #expect(page.contains("<tr><th>Registered</th><td>2023-11-14 22:13:20 UTC</td></tr>"))
        #expect(page.contains("<tr><th>Last renewal</th><td>2023-11-14 22:14:51 UTC</td></tr>"))  // Netflix: renew + duration
        #expect(page.contains("<tr><th>Eviction due</th><td>2023-11-14 22:16:21 UTC</td></tr>"))
        #expect(page.contains("Service up since"))
    }

    @Test func searchFindsApplicationsByPartAndInstancesById() {
        let d = DashboardHarness()
        d.h.register(instance("orders-1", app: "ORDERS"))
        d.h.register(instance("pay-1", app: "PAYMENTS"))
        let byApp = d.get("?q=ord").html
        #expect(byApp.contains("href=\"/?app=ORDERS\""))
        #expect(!byApp.contains("href=\"/?app=PAYMENTS\""))
        let byId = d.get("?q=pay-1").html
        #expect(byId.contains("href=\"/?app=PAYMENTS&amp;instance=pay-1\""))
        #expect(d.get("?q=").html.contains("Type an application name"))
    }

    /// Ids, app names and metadata come from clients: none of it may open markup.
    @Test func userTextIsEscapedInEveryView() {
        let d = DashboardHarness()
        let evil = "<script>alert(\"x\")</script>"
        var info = instance(evil, app: "EVIL'<SCRIPT>")
        info.hostName = evil
        info.metadata = Metadata([(evil, evil)])
        d.h.register(info)
        _ = d.h.registry.cancel(app: "EVIL'<SCRIPT>", id: evil, isReplication: false)
        d.h.register(info)
        let link = "?app=" + HTMLWriter.queryValue("EVIL'<SCRIPT>") + "&instance=" + HTMLWriter.queryValue(evil)
        for query in ["", "?q=" + HTMLWriter.queryValue(evil), "?q=evil", "?app=" + HTMLWriter.queryValue("EVIL'<SCRIPT>"),
                      link, "?view=recent"] {
            let page = d.get(query)
            #expect(page.status == 200, "\(query)")
            #expect(!page.html.lowercased().contains("<script"), "\(query)")
            #expect(page.html.contains("&lt;script&gt;") || page.html.contains("&lt;SCRIPT&gt;"), "\(query)")
        }
        #expect(d.get(link).html.contains("<tr><th>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</th>"))
    }

    @Test(arguments: [("?page=0", 400), ("?page=abc", 400), ("?view=nope", 400), ("?instance=x", 400),
                      ("?app=NOPE", 404), ("?app=ORDERS&instance=nope", 404)])
    func badParametersGetAClearError(query: String, expected: Int) {
        let d = DashboardHarness()
        d.h.register(instance("a1"))
        let page = d.get(query)
        #expect(page.status == expected)
        #expect(page.html.contains("<p>"))
    }

    @Test func linksFollowTheConfiguredPath() {
        let d = DashboardHarness(basePath: "/dashboard")
        d.h.register(instance("a1"))
        let page = d.get("").html
        #expect(page.contains("href=\"/dashboard?app=ORDERS&amp;instance=a1\""))
        #expect(page.contains("action=\"/dashboard\""))
    }

    @Test(arguments: [0, 5, 999, 1_000, 1_001, 2_345])
    func ringsNewestAreTheTailOfTheirItems(recorded: Int) {
        var ring = RecentActivity()
        for i in 0..<recorded { ring.record(time: Int64(i), app: "A", id: "i\(i)") }
        for count in [0, 1, 10, 1_000, 1_200] {
            #expect(ring.newest(count).map(\.id) == ring.items.suffix(count).map(\.id), "\(recorded) \(count)")
        }
    }

    @Test func recentActivityListsTheRingsNewestFirst() {
        let d = DashboardHarness()
        d.h.register(instance("a1"))
        d.h.advance(1_000)
        d.h.register(instance("a2"))
        _ = d.h.registry.cancel(app: "ORDERS", id: "a1", isReplication: false)
        let page = d.get("?view=recent").html
        let a2 = page.range(of: ">a2</a>")!, a1 = page.range(of: ">a1</a>")!
        #expect(a2.lowerBound < a1.lowerBound)
        #expect(page.contains("The last 1000 registrations and cancellations"))
    }
}

@Suite struct DashboardNodeTests {
    @Test func servedAtTheRootWithSectionsAndErrors() throws {
        let node = try TestNode()
        defer { node.stop() }
        try node.register(.orders(1))
        let front = try node.request(path: "/")
        #expect(front.status == 200)
        #expect(front.header("Content-Type")?.hasPrefix("text/html") == true)
        #expect(front.text.contains("href=\"/?app=ORDERS&amp;instance=orders-1%3Aorders%3A8080\""))
        let instance = try node.request(path: "/?app=ORDERS&instance=orders-1%3Aorders%3A8080")
        #expect(instance.status == 200)
        #expect(instance.text.contains("<tr><th>management.port</th><td>8080</td></tr>"))
        #expect(try node.request(path: "/?app=NOPE").status == 404)
        #expect(try node.request(path: "/?page=x").status == 400)
        #expect(try node.request(method: "POST", path: "/").status == 405)
    }
}
