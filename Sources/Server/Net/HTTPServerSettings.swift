/// The HTTP core's own settings (spec 1.8, 9.3); built by the node from the full configuration.
public struct HTTPServerSettings: Sendable {
    public var host = "0.0.0.0"
    public var port = 8761
    public var maxConnections = 19_000
    public var maxHeaderBytes = 16 * 1024
    public var maxBodyBytes = 1024 * 1024
    /// Keep-alive connections without a request for this long are closed (spec 1.8: 90 s).
    public var idleTimeoutMs: UInt64 = 90_000
    /// A request must arrive completely within this time of its first byte (slow clients cannot hold a slot).
    public var requestTimeoutMs: UInt64 = 30_000
    /// Past this much unsent output a connection stops being read until it drains.
    public var maxPendingOutputBytes = 4 * 1024 * 1024
    /// After an error response, input is read and discarded this long before the connection closes.
    public var lingerMs: UInt64 = 2_000
    /// Graceful stop waits this long for writes in flight before closing everything.
    public var stopGraceMs: UInt64 = 1_500

    public init() {}
}
