/// One generated value of a cache key (spec 6.2): the encoded document and, for the full registry and
/// the delta, its gzip form made once here, never per request. `body == nil` is the "empty" value of an
/// application without leases (answered 404) and is cached like any other. Immutable and Sendable: it
/// is made on a pool thread for large registries and shared by reference with every reader.
struct Payload: Sendable {
    let body: SharedBytes?
    let gzipped: SharedBytes?
    /// Wall-clock ms when its snapshot was taken: the read-write level expires it (spec 6.3).
    let generatedAt: Int64
    /// Which snapshot it came from (increasing): an older value never replaces a newer one.
    let sequence: UInt64

    init(body: [UInt8]?, compress: Bool, generatedAt: Int64, sequence: UInt64 = 0) {
        self.body = body.map(SharedBytes.init)
        gzipped = compress ? body.flatMap { Gzip.compress($0) }.map(SharedBytes.init) : nil
        self.generatedAt = generatedAt
        self.sequence = sequence
    }

    /// Bytes held: the plain body plus its gzip form.
    var byteCount: Int { (body?.count ?? 0) + (gzipped?.count ?? 0) }
}
