/// The HTTP core's own settings (spec 1.8, 9.3); built by the node from the full configuration.
struct HTTPServerSettings: Sendable {
    var host = "0.0.0.0"
    var port = 8761
    var maxConnections = 19_000
    var maxHeaderBytes = 16 * 1024
    var maxBodyBytes = 1024 * 1024
    /// Keep-alive connections without a request for this long are closed (spec 1.8: 90 s).
    var idleTimeoutMs: UInt64 = 90_000
    /// A request must arrive completely within this time of its first byte (slow clients cannot hold a slot).
    var requestTimeoutMs: UInt64 = 30_000
    /// Past this much unsent output a connection stops being read until it drains.
    var maxPendingOutputBytes = 4 * 1024 * 1024
    /// After an error response, input is read and discarded this long before the connection closes.
    var lingerMs: UInt64 = 2_000
    /// A connection whose output has not moved for this long (a client that stopped reading) is closed.
    var writeTimeoutMs: UInt64 = 60_000
    /// Bytes of superseded cached-document versions that writing connections may keep alive (PinnedPayloads).
    var maxSupersededPayloadBytes = 256 * 1024 * 1024
    /// Graceful stop waits this long for writes in flight before closing everything.
    var stopGraceMs: UInt64 = 1_500

    init() {}
}
