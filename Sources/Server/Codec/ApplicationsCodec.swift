/// Registry documents (spec 3.8, 3.9, 3.11): full fetch, delta, one application, VIP answers, and
/// the peer's `GET /apps` read at start-up.
enum ApplicationsCodec {
    /// Rough bytes per encoded instance; reserving up front keeps a 100,000-instance document
    /// from being copied through a dozen reallocations. XML's closing tags make it ~1.4x JSON's size
    /// (bench/RESULTS.md: 1,165 and 1,602 bytes per Java-client-shaped instance); an estimate below the
    /// result costs a doubling, so the full forms err high by ~10%.
    static func estimatedSize(instances: Int, format: WireFormat = .json, representation: Representation) -> Int {
        let perInstance = switch (format, representation) {
        case (.json, .full): 1280
        case (.xml, .full): 1760
        case (.json, .compact): 640
        case (.xml, .compact): 880
        }
        return 512 + instances * perInstance
    }

    /// Root `applications`.
    /// `capacity`: bytes to reserve when the caller knows better than the estimate (a previous encoding's size).
    static func encode(_ apps: Applications, format: WireFormat, representation: Representation,
                       capacity: Int? = nil) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(capacity ?? estimatedSize(instances: apps.instanceCount, format: format,
                                                      representation: representation))
        append(apps, format: format, representation: representation, to: &out)
        return out
    }

    /// Root `applications`, built where it is kept: the cache's form (see GrowableBytes), which costs its bytes
    /// once however far `capacity` or the estimate is from them.
    /// Consuming: given the last copy of `apps`, each application's records are freed once written.
    static func encodeShared(_ apps: consuming Applications, format: WireFormat, representation: Representation,
                             capacity: Int? = nil) -> SharedBytes {
        var out = GrowableBytes(capacity: capacity ?? estimatedSize(instances: apps.instanceCount, format: format,
                                                                    representation: representation))
        append(apps, format: format, representation: representation, to: &out)
        return SharedBytes(adopting: out)
    }

    private static func append<Out: ByteSink & ~Copyable>(_ apps: consuming Applications, format: WireFormat,
                                                         representation: Representation, to out: inout Out) {
        switch format {
        case .json: ApplicationsJSON.append(apps, representation: representation, to: &out)
        case .xml: ApplicationsXML.append(apps, representation: representation, to: &out)
        }
    }

    /// Root `application`.
    static func encode(_ app: Application, format: WireFormat, representation: Representation,
                       capacity: Int? = nil) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(capacity ?? estimatedSize(instances: app.instances.count, format: format,
                                                      representation: representation))
        append(app, format: format, representation: representation, to: &out)
        return out
    }

    /// Root `application`, built where it is kept (see `encodeShared` of `Applications`).
    static func encodeShared(_ app: Application, format: WireFormat, representation: Representation,
                             capacity: Int? = nil) -> SharedBytes {
        var out = GrowableBytes(capacity: capacity ?? estimatedSize(instances: app.instances.count, format: format,
                                                                    representation: representation))
        append(app, format: format, representation: representation, to: &out)
        return SharedBytes(adopting: out)
    }

    private static func append<Out: ByteSink & ~Copyable>(_ app: Application, format: WireFormat,
                                                         representation: Representation, to out: inout Out) {
        switch format {
        case .json:
            out.appendStatic("{\"application\":")
            ApplicationsJSON.append(app, representation: representation, to: &out)
            out.append(UInt8(ascii: "}"))
        case .xml:
            ApplicationsXML.append(app, representation: representation, to: &out)
        }
    }

    /// A peer's registry document. `application` and `instance` may be single objects instead of
    /// arrays (spec 3.7); an instance the register decoder refuses makes the document unparseable.
    static func decode(_ body: [UInt8], format: WireFormat, now: Int64) throws(CodecError) -> Applications {
        switch format {
        case .json:
            guard let root = try JSONReader.parse(body)["applications"] else {
                throw .unparseable("JSON root has no applications member")
            }
            return try ApplicationsJSON.decode(root, now: now)
        case .xml:
            let root = try XMLReader.parse(body)
            guard root.name == "applications" else { throw .unparseable("XML root is <\(root.name)>, not <applications>") }
            return try ApplicationsXML.decode(root, now: now)
        }
    }
}

private extension Applications {
    var instanceCount: Int { applications.reduce(0) { $0 + $1.instances.count } }
}

extension Applications {
    /// The applications in reverse order, moved out (this value keeps its version and hash code): a writer pops
    /// them, so each is written in order and, when this was the document's last holder, its records are freed as
    /// soon as they are written. At 100,000 instances the snapshot's records are ~35 MB: let go one application at
    /// a time, they are gone by the time the document reaches its size (bench/RESULTS.md, memory.sh per build).
    mutating func takeApplicationsReversed() -> [Application] {
        var taken: [Application] = []
        swap(&taken, &applications)
        taken.reverse()
        return taken
    }
}
