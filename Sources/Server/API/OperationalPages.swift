/// The non-protocol pages of spec 10: health, build info, Prometheus metrics and the dashboard.
enum OperationalPages {
    /// The dashboard renders its bounded views itself (`DashboardPages`).
    /// `status` is read only by the pages that show it, and by the dashboard only when it renders anew.
    static func render(_ endpoint: Endpoint, _ request: Request, status readStatus: () -> NodeStatus,
                       dashboard: DashboardPages) -> Response {
        switch endpoint {
        case .health:
            // Spring's health shape; DOWN (503) with the reason until the node opened for traffic after its
            // start-up sync, and once its stop began.
            guard let reason = readStatus().downReason else {
                return Response(status: 200, contentType: .json, body: .bytes(Array(#"{"status":"UP"}"#.utf8)))
            }
            return Response(status: 503, contentType: .json,
                            body: .bytes(Array(#"{"status":"DOWN","reason":"\#(reason)"}"#.utf8)))
        case .info:
            return Response(status: 200, contentType: .json, body: .bytes(InfoPage.body))
        case .metrics:
            return Response(status: 200, contentType: .prometheus, body: .bytes(Array(MetricsText.render(readStatus()).utf8)))
        case .dashboard:
            return dashboard.view(url: request.url, status: readStatus)
        default:
            return .empty(404)
        }
    }
}
