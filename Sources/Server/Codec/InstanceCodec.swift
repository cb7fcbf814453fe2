/// A decoded register body. A `dataCenterInfo` without `name` has no kind, so it decodes to nil
/// with `dataCenterInfoMissingName` set: the API tells that apart from a missing `dataCenterInfo`
/// (spec 2.1 #6 and #7).
struct DecodedInstance: Sendable, Equatable {
    var info: InstanceInfo
    var dataCenterInfoMissingName: Bool

    init(info: InstanceInfo, dataCenterInfoMissingName: Bool) {
        self.info = info
        self.dataCenterInfoMissingName = dataCenterInfoMissingName
    }
}

/// One instance on the wire (spec 3.2): the register body and `GET /apps/{app}/{id}`.
enum InstanceCodec {
    /// A body with root `{"instance":{…}}` / `<instance>…</instance>`. `now` (epoch ms) stands in
    /// for absent `lastDirtyTimestamp` and `lastUpdatedTimestamp`. `maxValues` bounds the JSON values or XML
    /// elements parsed (`CodecError.tooManyValues` past it).
    /// `reuse` (JSON only) answers a metadata object repeated from a recent body without reading it again.
    static func decode(_ body: [UInt8], format: WireFormat, now: Int64,
                       maxValues: Int = .max, reuse: MetadataReuse? = nil) throws(CodecError) -> DecodedInstance {
        switch format {
        case .json:
            // The common body, read without building its tree; anything else (and every error) the whole way.
            if let decoded = try InstanceJSON.decodeWrapped(body, now: now, maxValues: maxValues, reuse: reuse) {
                return decoded
            }
            // Netflix's reader requires the wrapper (spec 3.7): a bare instance object is unparseable.
            guard let instance = try JSONReader.parse(body, maxValues: maxValues)["instance"] else {
                throw .unparseable("JSON root has no instance member")
            }
            return try InstanceJSON.decode(instance, now: now)
        case .xml:
            let root = try XMLReader.parse(body, maxElements: maxValues)
            guard root.name == "instance" else { throw .unparseable("XML root is <\(root.name)>, not <instance>") }
            return try InstanceXML.decode(root, now: now)
        }
    }

    /// The full form with its root wrapper.
    static func encode(_ info: InstanceInfo, format: WireFormat) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(1536)
        if format == .json { out.appendStatic("{\"instance\":") }
        append(info, format: format, representation: .full, to: &out)
        if format == .json { out.append(UInt8(ascii: "}")) }
        return out
    }

    /// The instance without the JSON wrapper, for documents and batch replies. In XML the
    /// `<instance>` element is the same at the root and inside an application.
    static func append<Out: ByteSink & ~Copyable>(_ info: InstanceInfo, format: WireFormat, representation: Representation,
                              to out: inout Out) {
        switch format {
        case .json: InstanceJSON.append(info, representation: representation, to: &out)
        case .xml: InstanceXML.append(info, representation: representation, to: &out)
        }
    }
}
