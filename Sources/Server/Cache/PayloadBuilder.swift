/// The registry's answer for one cache entity, taken on the loop: an immutable Sendable copy, so the
/// encoding and gzip that follow may run on a pool thread while the loop keeps changing the registry.
enum CacheDocument: Sendable {
    case applications(Applications)
    case application(Application)
    /// No lease for the application: the "empty" value answered 404 (spec 6.2).
    case empty

    var instanceCount: Int {
        switch self {
        case .applications(let apps): apps.applications.reduce(0) { $0 + $1.instances.count }
        case .application(let app): app.instances.count
        case .empty: 0
        }
    }

    /// `capacity`: the buffer to reserve (the previous value's size), instead of the codec's per-instance estimate.
    /// Consuming: when this is the document's last holder, each application's records are let go as soon as they
    /// are written (see `Applications.takeApplicationsReversed`), so the snapshot and the document do not both reach
    /// their full size.
    consuming func encode(_ format: WireFormat, _ representation: Representation, capacity: Int? = nil) -> SharedBytes? {
        switch consume self {
        case .applications(let apps):
            ApplicationsCodec.encodeShared(apps, format: format, representation: representation, capacity: capacity)
        case .application(let app):
            ApplicationsCodec.encodeShared(app, format: format, representation: representation, capacity: capacity)
        case .empty: nil
        }
    }

    /// The document, leaving `.empty` in its place: its caller becomes its only holder.
    mutating func take() -> CacheDocument {
        defer { self = .empty }
        return self
    }
}

/// Everything one generation needs, Sendable: the snapshots of one loop turn and the keys to make from each.
/// Keys of one entity share its snapshot, and the full registry and the delta of one refresh are taken in
/// the same turn, so a client applying that delta reaches the full document's hash code (spec 6.7.3).
struct BuildOrder: Sendable {
    var documents: [(document: CacheDocument, keys: [CacheKey])] = []
    /// Registry-wide entities, made from `capture` where the order runs (off the loop when large).
    var capture: RegistryCapture?
    var derived: [(entity: CacheEntity, keys: [CacheKey])] = []
    var generatedAt: Int64
    var sequence: UInt64
    /// The registry's newest change sequence at the turn the snapshot was completed.
    var changeSequence: UInt64 = 0
    /// The sizes of each key's previous value: the encoders size their buffers once from them.
    var sizeHints: [CacheKey: Payload.Sizes] = [:]

    var instanceCount: Int {
        let derivedKeys = derived.reduce(0) { $0 + $1.keys.count }
        let captured = (capture?.records.count ?? 0) + (capture?.deltaRecords.count ?? 0)
        return documents.reduce(0) { $0 + $1.document.instanceCount * $1.keys.count } + captured * derivedKeys
    }

    /// Every document with its keys: the captured entities are sorted and assembled here, and the capture is let go
    /// as soon as they are, so its copy of every record (a third of a 100,000-instance build's transient memory,
    /// bench/RESULTS.md) is not held while the documents are encoded.
    mutating func takeAllDocuments() -> [(document: CacheDocument, keys: [CacheKey])] {
        let taken = documents
        documents = []
        guard let capture, !derived.isEmpty else { return taken }
        self.capture = nil
        let made = capture.documents(for: derived.map(\.entity))
        return taken + derived.map { (made[$0.entity] ?? .empty, $0.keys) }
    }
}

/// What a generation produced, and what it cost (measured where it ran).
struct BuildResult: Sendable {
    var payloads: [CacheKey: Payload] = [:]
    var micros = 0
}

/// snapshot -> Payload: pure, so it runs inline for small snapshots and on the pool for large ones.
enum PayloadBuilder {
    /// Instances (summed over the keys of an order) above which encoding moves off the loop. Measured here
    /// (bench/RESULTS.md, cache.sh metrics; CachePoolRunnerTests): encoding + gzip costs ~30 us per instance
    /// per key on this shared 2-core machine, a pool round trip ~55 us. By cost alone the crossover is ~2
    /// instances, but a pool hop also defers the reply; 32 instance-keys bound the loop stall to ~1 ms while
    /// the common small reads (one app, one VIP) stay inline and answer at once.
    static let defaultOffLoopThreshold = 32

    /// Takes the order out of `handOff` on the pool thread, which then holds its only reference (see
    /// `takeAllDocuments`), and builds it.
    static func make(taking handOff: HandOff<BuildOrder>) -> BuildResult {
        guard let order = handOff.take() else { return BuildResult() }
        return make(consume order)
    }

    static func make(_ order: consuming BuildOrder) -> BuildResult {
        let started = Monotonic.micros()
        var result = BuildResult()
        var documents = order.takeAllDocuments()
        for index in documents.indices {
            let keys = documents[index].keys
            for (position, key) in keys.enumerated() {
                let hint = order.sizeHints[key]
                let capacity = hint.map { Payload.Sizes.margin($0.body) }
                // The last key takes the document out of the list, so that its encoding is its last holder.
                let body = position == keys.count - 1
                    ? documents[index].document.take().encode(key.format, key.representation, capacity: capacity)
                    : documents[index].document.encode(key.format, key.representation, capacity: capacity)
                result.payloads[key] = Payload(
                    body: body, compress: key.isCompressible, gzipCapacity: hint.map { Payload.Sizes.margin($0.gzipped) },
                    generatedAt: order.generatedAt, sequence: order.sequence, changeSequence: order.changeSequence)
            }
        }
        result.micros = Monotonic.micros() - started
        return result
    }
}
