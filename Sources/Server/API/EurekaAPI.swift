/// The Responder of the node: routes each request and answers it. Endpoint groups live in their own
/// files as extensions; this file holds only dispatch and the method checks of spec 2.18.
final class EurekaAPI: Responder {
    let router: Router
    let status: StatusPage

    init(router: Router, status: StatusPage) {
        self.router = router
        self.status = status
    }

    func respond(to request: Request) -> Reply {
        let (path, query) = Query.split(request.url)
        guard let endpoint = router.route(path) else { return .now(.empty(404)) }
        guard endpoint.allows(request.method) else {
            var response = Response.empty(405)
            response.allow = endpoint.allowedMethods
            return .now(response)
        }
        if request.method == .options {
            var response = Response.empty(200)
            response.allow = endpoint.allowedMethods
            return .now(response)
        }
        return .now(answer(endpoint, request, query))
    }

    private func answer(_ endpoint: Endpoint, _ request: Request, _ query: Query) -> Response {
        switch endpoint {
        case .status:
            return status.render(json: Negotiation.prefersJSON(request))
        case .health:
            return Response(status: 200, contentType: .json, body: .bytes(Array(#"{"status":"UP"}"#.utf8)))
        default:
            return .empty(404)
        }
    }

    /// Error bodies (spec 1.9): `{"error":"..."}` or `<error><message>...</message></error>`.
    static func error(_ status: Int, _ message: String, json: Bool) -> Response {
        let escaped = message.replacingAll("&", "&amp;").replacingAll("<", "&lt;").replacingAll(">", "&gt;")
        let body = json
            ? #"{"error":""# + message.replacingAll("\\", "\\\\").replacingAll("\"", "\\\"") + #""}"#
            : "<error><message>" + escaped + "</message></error>"
        return Response(status: status, contentType: json ? .json : .xml, body: .bytes(Array(body.utf8)))
    }
}

extension String {
    func replacingAll(_ target: Character, _ replacement: String) -> String {
        guard contains(target) else { return self }
        var out = ""
        for character in self { if character == target { out += replacement } else { out.append(character) } }
        return out
    }
}
