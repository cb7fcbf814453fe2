/// The shell every dashboard view shares: inline CSS (no external asset, no script), the navigation and the
/// search form (a plain GET form).
extension DashboardPages {
    static let css = """
    body{font-family:system-ui,sans-serif;margin:0;color:#222;background:#f6f7f9}
    header{background:#2d3e50;color:#fff;padding:10px 24px;display:flex;gap:24px;align-items:center;flex-wrap:wrap}
    header a{color:#fff;text-decoration:none;font-weight:600}header form{margin-left:auto}
    main{padding:8px 24px 32px}h1{font-size:20px;margin:0}h2{font-size:17px;margin:24px 0 8px;border-bottom:1px solid #ccd}
    table{border-collapse:collapse;background:#fff;margin-bottom:8px}th,td{border:1px solid #d4d8de;padding:4px 8px;text-align:left;vertical-align:top}
    th{background:#eef0f3;font-weight:600}.kv th{width:16em}
    .warn{background:#fde8e8;border:1px solid #d33;color:#900;padding:8px 12px;font-weight:600}
    .ok{background:#e8f6ea;border:1px solid #3a3;color:#155;padding:8px 12px}
    .muted{color:#667}.pager a,.pager span{margin-right:8px}code{background:#eef0f3;padding:1px 4px}
    .UP{color:#185}.DOWN,.OUT_OF_SERVICE{color:#b00}.STARTING,.UNKNOWN{color:#a60}
    """

    func document(title: String, _ content: (inout HTMLWriter) -> Void) -> HTMLWriter {
        var page = HTMLWriter()
        page.raw("<!doctype html><html lang=en><head><meta charset=utf-8><title>")
        page.text(title)
        page.raw("</title><style>\(Self.css)</style></head><body><header><h1>")
        page.link(homeLink, "Eureka")
        page.raw("</h1>")
        page.link(recentLink, "Recent activity")
        page.raw("<form method=get action=\"")
        page.text(settings.basePath)
        page.raw("\"><label>Search <input type=search name=q placeholder=\"application or instance id\"></label> ")
        page.raw("<button type=submit>Go</button></form></header><main>")
        content(&page)
        page.raw("</main></body></html>")
        return page
    }

    /// "Page N of M" with previous/next links; nothing when everything fits on one page.
    func pager(_ page: inout HTMLWriter, current: Int, total: Int, perPage: Int, link: (Int) -> String) {
        let pages = max(1, (total + perPage - 1) / perPage)
        guard pages > 1 else { return }
        page.raw("<p class=pager>")
        if current > 1 { page.link(link(current - 1), "< previous") }
        page.raw("<span>page \(current) of \(pages)</span>")
        if current < pages { page.link(link(current + 1), "next >") }
        page.raw("</p>")
    }

    /// A status name with its colour class (the class is one of the five fixed names).
    func status(_ page: inout HTMLWriter, _ status: InstanceStatus) {
        page.raw("<span class=\(status.rawValue)>\(status.rawValue)</span>")
    }
}
