/// One generated value of a cache key (spec 6.2): the encoded document and, for the full registry and
/// the delta, its gzip form made once here, never per request. `body == nil` is the "empty" value of an
/// application without leases (answered 404) and is cached like any other.
public struct Payload: Sendable {
    public let body: SharedBytes?
    public let gzipped: SharedBytes?
    /// Wall-clock ms when generated: the read-write level expires it (spec 6.3).
    public let generatedAt: Int64

    public init(body: [UInt8]?, compress: Bool, generatedAt: Int64) {
        self.body = body.map(SharedBytes.init)
        gzipped = compress ? body.flatMap { Gzip.compress($0) }.map(SharedBytes.init) : nil
        self.generatedAt = generatedAt
    }
}
