/// The peer an HTTPClient talks to: where to connect, the path requests are relative to, and the
/// credentials sent with each of them (spec 7.1: user info in a peer URL becomes `Authorization: Basic`).
/// Peer URLs are parsed by Replication/PeerURL; Node builds a target from one.
struct ClientTarget: Sendable, Equatable {
    /// A name or an address literal (an IPv6 literal without brackets); resolved again on every new connection.
    var host: String
    var port: Int
    /// Where relative request paths start: always begins and ends with `/` ("/eureka/").
    var basePath: String
    var user: String?
    var password: String?

    init(host: String, port: Int, basePath: String = "/", user: String? = nil, password: String? = nil) {
        self.host = host
        self.port = port
        self.basePath = Self.normalised(basePath)
        self.user = user
        self.password = password
    }

    /// `Host` header value: brackets around an IPv6 literal, the port unless it is 80.
    var hostHeader: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return port == 80 ? name : "\(name):\(port)"
    }

    /// `Basic base64(user:password)`, when the target has a user.
    var authorization: String? {
        guard let user else { return nil }
        return "Basic " + Base64.encode(Array("\(user):\(password ?? "")".utf8))
    }

    /// A path with a leading `/` is sent as it is; any other is appended to `basePath`.
    func target(of path: String) -> String {
        path.hasPrefix("/") ? path : basePath + path
    }

    private static func normalised(_ path: String) -> String {
        var path = path.hasPrefix("/") ? path : "/" + path
        if !path.hasSuffix("/") { path += "/" }
        return path
    }
}
