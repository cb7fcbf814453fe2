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
    /// The registry's newest change sequence when its snapshot was taken (docs/change-stream.md).
    let changeSequence: UInt64

    /// The bytes of each form, what the next generation of the same key sizes its buffers from.
    struct Sizes: Sendable {
        var body: Int
        var gzipped: Int

        /// A document grows a little between generations: 1/32 more spares a regrowth (a `realloc` that doubles the
        /// reservation). The slack is never written, so it costs address space only, and is trimmed once the
        /// document is complete (GrowableBytes).
        static func margin(_ size: Int) -> Int { size + size / 32 + 512 }
    }

    var sizes: Sizes { Sizes(body: body?.count ?? 0, gzipped: gzipped?.count ?? 0) }

    /// `body` as the encoder left it (built where it is kept, see GrowableBytes); its gzip form is deflated from it
    /// into a buffer that starts at `gzipCapacity` (the previous size) and grows in place only if needed.
    init(body: SharedBytes?, compress: Bool, gzipCapacity: Int? = nil, generatedAt: Int64, sequence: UInt64 = 0,
         changeSequence: UInt64 = 0) {
        gzipped = compress ? body.flatMap { Self.gzip($0, initialCapacity: gzipCapacity) } : nil
        self.body = body
        self.generatedAt = generatedAt
        self.sequence = sequence
        self.changeSequence = changeSequence
    }

    private static func gzip(_ body: SharedBytes, initialCapacity: Int?) -> SharedBytes? {
        guard let packed = Gzip.compressed(body.raw.assumingMemoryBound(to: UInt8.self), initialCapacity: initialCapacity)
        else { return nil }
        return SharedBytes(adopting: packed)
    }

    /// Bytes held: the plain body plus its gzip form.
    var byteCount: Int { (body?.count ?? 0) + (gzipped?.count ?? 0) }
}
