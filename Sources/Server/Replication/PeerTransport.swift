/// What replication needs from the network for one peer (spec 7.8): the batch request and the start-up fetch.
/// Node/HTTPPeerTransport.swift implements it over the loop's HTTP client; tests record calls and answer by hand.
/// Completions run on the loop thread, never inside the call that started them.
protocol PeerTransport: AnyObject {
    /// `POST {peer}peerreplication/batch/` with `body` (the JSON of `ReplicationListCodec.encodeRequest`).
    func sendBatch(_ body: [UInt8], completion: @escaping (PeerReply) -> Void)
    /// `POST {peer}peerreplication/digest` with `body` (the JSON of `DigestCodec.encodeRequest`, docs/anti-entropy.md).
    func sendDigest(_ body: [UInt8], completion: @escaping (PeerReply) -> Void)
    /// `GET {peer}apps/` as JSON, gzip accepted (spec 7.9).
    func fetchRegistry(completion: @escaping (PeerReply) -> Void)
    /// Drops idle connections and fails what is in flight with `.closed`.
    func close()
}

/// An HTTP answer (any status) with its decoded body, or why none came.
enum PeerReply: Sendable {
    case response(status: Int, body: [UInt8])
    case failure(TransportFailure)
}

/// A one-shot timer the replication logic asks for: Node implements it with a uv_timer, tests fire it by hand.
/// Arming again replaces the previous schedule.
protocol Wakeup: AnyObject {
    func arm(afterMs: Int64, _ action: @escaping () -> Void)
    func disarm()
    func close()
}
