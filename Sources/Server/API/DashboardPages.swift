/// The HTML dashboard (spec 10; Spring Cloud's sections and more, see README): one path, its views chosen by the
/// query, `?page=N` (front page), `?app=NAME[&page=N]`, `?app=NAME&instance=ID`, `?q=TEXT` (search) and
/// `?view=recent`. Every view is bounded however large the registry is: the front page reads a census (one
/// integer-counting walk, reused for `censusMaxAgeMs` once the registry is large) and renders one page of
/// applications with a few ids each; the other views read one application, one lease or the bounded rings.
final class DashboardPages {
    struct Settings {
        /// The dashboard's path (`eureka.dashboard.path`), the base of every link.
        var basePath = "/"
        var applicationsPerPage = 25
        var idsPerApplication = 10
        var instancesPerPage = 100
        var expiredListed = 100
        var searchResults = 50
        /// Registries at least this large reuse a census younger than `censusMaxAgeMs`; smaller ones are
        /// walked per view (cheap, and the page is exact).
        var censusReuseFromInstances = 5_000
        var censusMaxAgeMs: Int64 = 2_000
    }

    let settings: Settings
    let registry: InstanceRegistry
    let statusPage: StatusPage
    let time: TimeSource
    private var lastCensus: RegistryCensus?
    /// Walks of the whole registry so far (tests check a view does not walk it each time).
    private(set) var censusWalks = 0

    init(settings: Settings, registry: InstanceRegistry, statusPage: StatusPage, time: TimeSource) {
        self.settings = settings
        self.registry = registry
        self.statusPage = statusPage
        self.time = time
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

    /// A fresh census, or the last one while it is young enough and the registry large.
    func census() -> RegistryCensus {
        let now = time.nowMillis()
        if let last = lastCensus, registry.instanceCount >= settings.censusReuseFromInstances,
           now >= last.takenAt, now - last.takenAt < settings.censusMaxAgeMs {
            return last
        }
        censusWalks += 1
        let fresh = registry.census(sampleLimit: settings.idsPerApplication, expiredLimit: settings.expiredListed)
        lastCensus = fresh
        return fresh
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
