/// How sending one batch ended (spec 7.6, Netflix `ProcessingResult`), which decides what happens to its tasks.
enum BatchOutcome: String, Sendable, CaseIterable {
    /// 2xx: the per-item results are handled (`BatchResults.handle`, 7.7).
    case success
    /// The peer is overloaded: every task goes back, no batch for 1,000 ms.
    case congestion
    /// The network failed: every task goes back, no batch for 100 ms.
    case transient
    /// Retrying would not help: the batch is dropped (logged).
    case permanent

    /// An HTTP reply came back. A 2xx whose body does not decode is still `permanent`: pass that as
    /// `TransportFailure.badResponse`.
    init(statusCode: Int) {
        switch statusCode {
        case 200..<300: self = .success
        case 503: self = .congestion
        default: self = .permanent
        }
    }

    /// No usable reply came back.
    init(_ failure: TransportFailure) {
        switch failure {
        // Netflix treats a read timeout as a busy peer, not a dead one (it matches "read … time … out" in the
        // exception text): the whole batch is retried after the congestion pause.
        case .readTimeout: self = .congestion
        // Netflix retries any IOException; these are ours. A name that does not resolve now may resolve in
        // 100 ms (a peer container starting), and a peer closing the connection early is an I/O error.
        case .connectTimeout, .refused, .reset, .resolveFailed, .closed: self = .transient
        // The peer answered something that is not an HTTP reply, or not a batch reply, or one over our size
        // limit: the same batch would get the same answer (spec 7.6: undecodable reply -> permanent).
        case .badResponse, .tooLarge: self = .permanent
        }
    }
}

/// Why a batch got no usable reply; the transport maps its errors (libuv codes, parser failures) onto these.
enum TransportFailure: Error, Sendable, Equatable, CaseIterable {
    /// No connection within `peer-node-connect-timeout-ms`.
    case connectTimeout
    /// ECONNREFUSED: nothing listens on the peer's port.
    case refused
    /// ECONNRESET / EPIPE while sending or receiving.
    case reset
    /// The complete reply did not arrive within `peer-node-read-timeout-ms`.
    case readTimeout
    /// The reply is not HTTP, or its body is not a batch reply (`ReplicationListCodec.decodeReply` threw).
    case badResponse
    /// The reply exceeded the size we accept.
    case tooLarge
    /// The peer's host name did not resolve.
    case resolveFailed
    /// The peer closed the connection before the reply was complete.
    case closed
}
