/// The peer list (spec 7.1): `eureka.client.service-url.defaultZone` parsed, this node left out. Pure: the node
/// evaluates it at start and every `peer-eureka-nodes-update-interval-ms`, with fresh `NodeNames` each time.
enum PeerURLs {
    /// Every URL in the given order. Entries are split again at commas (a setting from a file or environment may
    /// arrive as one string), whitespace around them is ignored, empty ones are dropped, and a URL listed twice is
    /// kept once (Netflix keeps its peers in a set). The first bad URL throws.
    static func parse(_ entries: [String]) throws(PeerURLError) -> [PeerURL] {
        var urls: [PeerURL] = []
        for entry in entries {
            for piece in entry.split(separator: ",") where !piece.trimmingSpaces.isEmpty {
                let url = try PeerURL(parsing: String(piece))
                if !urls.contains(where: { $0.url == url.url }) { urls.append(url) }
            }
        }
        return urls
    }

    /// The URLs that are not this node.
    static func peers(_ entries: [String], excluding node: ThisNode) throws(PeerURLError) -> [PeerURL] {
        try parse(entries).filter { !node.isThisNode($0) }
    }
}

/// This node as self-exclusion sees it (spec 7.1, OUR choice). With `my-url` set, a URL equal to it (ignoring a
/// trailing `/`) is this node; otherwise a URL is this node when its host is one of `names` **and** its port is
/// `server.port`, so several nodes on one host with different ports are peers of each other.
struct ThisNode: Sendable {
    let myUrl: String?
    let port: Int
    let names: NodeNames

    /// A blank `myUrl` counts as unset: `--eureka.server.my-url=` must not turn self-exclusion off.
    init(myUrl: String?, port: Int, names: NodeNames) {
        let trimmed = myUrl.map { String($0.trimmingSpaces) }
        self.myUrl = trimmed?.isEmpty == false ? trimmed : nil
        self.port = port
        self.names = names
    }

    func isThisNode(_ peer: PeerURL) -> Bool {
        if let myUrl {
            return Self.withoutTrailingSlash(peer.url) == Self.withoutTrailingSlash(myUrl)
        }
        return peer.port == port && names.contains(peer.host)
    }

    private static func withoutTrailingSlash(_ url: String) -> Substring {
        url.hasSuffix("/") ? url.dropLast() : Substring(url)
    }
}

/// The names this node answers to (spec 7.1), compared case-insensitively and IP literals by address:
/// `eureka.instance.hostname`; `server.address` when set; when it is unset or a wildcard, also `localhost`, every
/// loopback address (all of 127.0.0.0/8 and `::1`) and every local interface address; when it is a loopback
/// address, also `localhost`.
struct NodeNames: Sendable, Equatable {
    private var names: Set<String> = []
    private var anyLoopback = false

    /// `interfaceAddresses` is an input so tests choose it; `local(hostName:serverAddress:)` reads the machine's.
    init(hostName: String, serverAddress: String?, interfaceAddresses: [String]) {
        names.insert(HostName.canonical(hostName))
        let address = serverAddress.map { String($0.trimmingSpaces) }.map(Self.withoutBrackets) ?? ""
        if HostName.isWildcard(address) {
            names.insert("localhost")
            anyLoopback = true
            for interface in interfaceAddresses { names.insert(HostName.canonical(interface)) }
        } else {
            let canonical = HostName.canonical(address)
            names.insert(canonical)
            if HostName.isLoopback(canonical) { names.insert("localhost") }
        }
    }

    /// This machine's names, interface addresses read now (`getifaddrs`).
    static func local(hostName: String, serverAddress: String?) -> NodeNames {
        NodeNames(hostName: hostName, serverAddress: serverAddress, interfaceAddresses: LocalAddresses.all())
    }

    func contains(_ host: String) -> Bool {
        let canonical = HostName.canonical(Self.withoutBrackets(host))
        return names.contains(canonical) || (anyLoopback && HostName.isLoopback(canonical))
    }

    private static func withoutBrackets(_ text: String) -> String {
        text.hasPrefix("[") && text.hasSuffix("]") ? String(text.dropFirst().dropLast()) : text
    }
}
