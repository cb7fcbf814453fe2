/// `PeerTransport` over the loop's HTTP client (spec 7.8, 7.9): the batch request and the start-up registry
/// fetch, with the replication headers, optional gzip of the batch, and Basic credentials from the peer URL.
final class HTTPPeerTransport: PeerTransport {
    struct Settings {
        var client = HTTPClientSettings()
        /// `enable-replicated-request-compression`: gzip batch bodies (`Content-Encoding: gzip`).
        var compressBatches = false
        /// `DiscoveryIdentity-Id`: this node's address.
        var ownAddress = ""

        init(config: ServerConfig, ownAddress: String) {
            client.connectTimeoutMs = UInt64(max(1, config.peerNodeConnectTimeoutMs))
            client.readTimeoutMs = UInt64(max(1, config.peerNodeReadTimeoutMs))
            client.idleTimeoutMs = UInt64(max(1, config.peerNodeConnectionIdleTimeoutSeconds)) * 1_000
            // One connection per batch in flight, plus one for the start-up fetch (own transport) (7.8).
            client.maxConnections = max(1, config.maxThreadsForPeerReplication)
            compressBatches = config.enableReplicatedRequestCompression
            self.ownAddress = ownAddress
        }
    }

    private let client: HTTPClient
    private let settings: Settings

    init(loop: EventLoop, peer: PeerURL, settings: Settings) {
        self.settings = settings
        client = HTTPClient(loop: loop, target: ClientTarget(peer: peer), settings: settings.client)
    }

    private var identityHeaders: [(String, String)] {
        [("Accept", "application/json"), ("DiscoveryIdentity-Name", "DefaultServer"), ("DiscoveryIdentity-Version", "1.0"),
         ("DiscoveryIdentity-Id", settings.ownAddress), ("User-Agent", "eureka-swift-replication")]
    }

    func sendBatch(_ body: [UInt8], completion: @escaping (PeerReply) -> Void) {
        postJSON(body, to: "peerreplication/batch/", extraHeader: ("x-netflix-discovery-replication", "true"), completion: completion)
    }

    /// Anti-entropy's digest (docs/anti-entropy.md): JSON, gzipped like batches when compression is on, a gzipped
    /// answer accepted.
    func sendDigest(_ body: [UInt8], completion: @escaping (PeerReply) -> Void) {
        postJSON(body, to: "peerreplication/digest", extraHeader: ("Accept-Encoding", "gzip"), completion: completion)
    }

    /// A JSON body to a peer, gzipped when batch compression is on (batches and digests alike).
    private func postJSON(_ body: [UInt8], to path: String, extraHeader: (String, String),
                          completion: @escaping (PeerReply) -> Void) {
        var headers = identityHeaders
        headers.append(("Content-Type", "application/json"))
        headers.append(extraHeader)
        var payload = body
        if settings.compressBatches, let compressed = Gzip.compress(body) {
            payload = compressed
            headers.append(("Content-Encoding", "gzip"))
        }
        client.send(ClientRequest(method: .post, path: path, headers: headers, body: payload)) { result in
            completion(Self.reply(result))
        }
    }

    func fetchRegistry(completion: @escaping (PeerReply) -> Void) {
        var headers = identityHeaders
        headers.append(("Accept-Encoding", "gzip"))
        client.send(ClientRequest(method: .get, path: "apps/", headers: headers)) { result in
            completion(Self.reply(result))
        }
    }

    func close() { client.close {} }

    private static func reply(_ result: Result<ClientResponse, ClientError>) -> PeerReply {
        switch result {
        case .success(let response): return .response(status: response.status, body: response.body)
        case .failure(let error): return .failure(failure(error))
        }
    }

    /// The client's errors in replication's terms (spec 7.6 classes follow from these).
    static func failure(_ error: ClientError) -> TransportFailure {
        switch error {
        case .resolveFailed: .resolveFailed
        case .refused: .refused
        case .connectTimeout: .connectTimeout
        case .connectFailed, .reset: .reset
        case .readTimeout: .readTimeout
        case .badResponse, .invalidRequest: .badResponse
        case .tooLarge: .tooLarge
        case .closed: .closed
        }
    }
}
