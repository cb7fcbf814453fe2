/// An HTTPClient's own settings (spec 7.8), built by the node from the peer-node settings.
struct HTTPClientSettings: Sendable {
    /// Resolving the name and establishing the connection (`peer-node-connect-timeout-ms`).
    var connectTimeoutMs: UInt64 = 1_000
    /// From the request handed to the socket to the last byte of its reply (`peer-node-read-timeout-ms`).
    var readTimeoutMs: UInt64 = 5_000
    /// A kept-alive connection unused this long is closed (`peer-node-connection-idle-timeout-seconds`).
    var idleTimeoutMs: UInt64 = 30_000
    /// Connections open at once, connecting ones included; requests beyond wait in arrival order.
    /// OUR default: one batch in flight per peer (`max-threads-for-peer-replication`, spec 7.6).
    var maxConnections = 1
    /// A reply whose body (after inflating) or head is larger fails with `.tooLarge`. Full registry
    /// fetches at start-up are the largest replies a peer sends.
    var maxResponseBodyBytes = 256 * 1024 * 1024
    var maxResponseHeaderBytes = 64 * 1024

    init() {}
}

/// Why a request got no reply. Connection failures come before any byte was sent; the others after.
enum ClientError: Error, Equatable, Sendable {
    /// The peer's name did not resolve.
    case resolveFailed
    /// Nobody listens at the peer's address.
    case refused
    /// No connection within `connectTimeoutMs`.
    case connectTimeout
    /// Any other failure to connect (unreachable network or host...).
    case connectFailed(UVError)
    /// The connection broke (ECONNRESET, EPIPE, or EOF) before the reply was complete.
    case reset
    /// No complete reply within `readTimeoutMs`.
    case readTimeout
    /// The reply was not decodable HTTP (or its body did not inflate).
    case badResponse
    /// The reply was over `maxResponseBodyBytes` or `maxResponseHeaderBytes`.
    case tooLarge
    /// The request cannot be put on the wire (CR or LF in a header, a space in the path, no method).
    case invalidRequest
    /// The client was closed before the reply came.
    case closed
}

/// Counters of one client, for metrics and tests.
struct HTTPClientMetrics: Sendable, Equatable {
    var connectionsOpened = 0
    /// Requests that got their reply or their failure from a connection (each once, retried or not).
    var requestsCompleted = 0
    /// Requests sent again on a fresh connection after a reused one broke before any reply byte.
    var retries = 0
}
