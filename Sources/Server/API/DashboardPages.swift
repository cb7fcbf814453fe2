/// The HTML dashboard (spec 10; Spring Cloud's sections and more, see README): one path, its views chosen by the
/// query, `?page=N` (front page), `?app=NAME[&page=N]`, `?app=NAME&instance=ID`, `?q=TEXT` (search) and
/// `?view=recent`. Every view is bounded however large the registry is and none walks the leases: the front
/// page reads one page of applications from the registry's status tally, with a few ids each, and the expired
/// leases the last eviction run found; the other views read one application, one lease or the bounded rings.
final class DashboardPages {
    struct Settings {
        /// The dashboard's path (`eureka.dashboard.path`), the base of every link.
        var basePath = "/"
        var applicationsPerPage = 25
        var idsPerApplication = 10
        var instancesPerPage = 100
        var searchResults = 50
    }

    let settings: Settings
    let registry: InstanceRegistry
    let statusPage: StatusPage
    let time: TimeSource

    /// Views rendered in the last `viewReuseMillis`, by URL: a browser tab refreshing, or a script polling, costs
    /// the loop one render a second per view instead of one per request (a front page is ~1 ms of loop time at
    /// 100,000 instances; a client viewing it in a loop doubled the p99 of heartbeats on other connections).
    private var recentViews: [ArraySlice<UInt8>: (atMillis: Int64, response: Response)] = [:]
    static let viewReuseMillis: Int64 = 1_000
    /// Distinct URLs kept at most; past it the map starts over (a client varying `?q=` gains nothing by it).
    static let maxRecentViews = 64

    init(settings: Settings, registry: InstanceRegistry, statusPage: StatusPage, time: TimeSource) {
        self.settings = settings
        self.registry = registry
        self.statusPage = statusPage
        self.time = time
    }

    /// The view of `url`, rendered now or reused from the last second (successful views only).
    func view(url: ArraySlice<UInt8>, status: () -> NodeStatus) -> Response {
        let now = time.nowMillis()
        if let recent = recentViews[url], now - recent.atMillis < Self.viewReuseMillis, now >= recent.atMillis {
            return recent.response
        }
        var response = render(Query.split(url).query, status: status())
        guard response.status == 200, case .bytes(let bytes) = response.body else { return response }
        response.body = .shared(SharedBytes(bytes))
        if recentViews.count >= Self.maxRecentViews { recentViews.removeAll(keepingCapacity: true) }
        recentViews[url] = (now, response)
        return response
    }

    func render(_ query: Query, status: NodeStatus) -> Response {
        let page: Int
        if query.contains("page") {
            guard let number = query.int64("page"), number >= 1, number <= 1_000_000 else {
                return Self.error(400, "page must be a whole number from 1")
            }
            page = Int(number)
        } else {
            page = 1
        }
        if let view = query.value("view") {
            guard view == "recent" else { return Self.error(400, "unknown view (the only one is \"recent\")") }
            return Self.html(recentActivityPage())
        }
        if let text = query.value("q") { return Self.html(searchPage(text)) }
        if let app = query.value("app") {
            let name = InstanceInfo.normalisedAppName(app)
            if let id = query.value("instance") {
                guard let detail = registry.leaseDetail(app: name, id: id) else {
                    return Self.error(404, "no instance \(id) in application \(name)")
                }
                return Self.html(instancePage(detail))
            }
            guard let body = applicationPage(name, page: page) else { return Self.error(404, "no application \(name)") }
            return Self.html(body)
        }
        if query.contains("instance") { return Self.error(400, "an instance link needs its app parameter") }
        return Self.html(frontPage(status, page: page))
    }

    // MARK: links

    var homeLink: String { settings.basePath }
    func pageLink(_ page: Int) -> String { settings.basePath + "?page=\(page)" }
    func applicationLink(_ app: String, page: Int = 1) -> String {
        settings.basePath + "?app=" + HTMLWriter.queryValue(app) + (page > 1 ? "&page=\(page)" : "")
    }
    func instanceLink(app: String, id: String) -> String {
        settings.basePath + "?app=" + HTMLWriter.queryValue(app) + "&instance=" + HTMLWriter.queryValue(id)
    }
    var recentLink: String { settings.basePath + "?view=recent" }

    // MARK: answers

    private static func html(_ page: HTMLWriter) -> Response {
        Response(status: 200, contentType: .html, body: .bytes(page.bytes))
    }

    /// A bad parameter or a missing application/instance: the status and a one-line page saying why.
    private static func error(_ status: Int, _ message: String) -> Response {
        var page = HTMLWriter(capacity: 512)
        page.raw("<!doctype html><html><head><meta charset=utf-8><title>Eureka dashboard</title></head><body><p>")
        page.text(message)
        page.raw("</p></body></html>")
        return Response(status: status, contentType: .html, body: .bytes(page.bytes))
    }
}
