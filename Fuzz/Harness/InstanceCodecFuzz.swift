#if DEBUG
@testable import Server

/// A register body in either format: decoding never traps, and what decodes survives a round trip
/// (encode, decode again: the same instance), so nothing a client sent is changed by storing and serving it.
enum InstanceCodecFuzz {
    static let now: Int64 = 1_700_000_000_000
    /// Kept across inputs, as the API keeps it across bodies: a metadata object answered from it must decode as read.
    nonisolated(unsafe) static let reuse = MetadataReuse()

    static func run(_ input: UnsafeRawBufferPointer, format: WireFormat) {
        let body = Array(input)
        let read = Result { () throws(CodecError) in try InstanceCodec.decode(body, format: format, now: now) }
        let reused = Result { () throws(CodecError) in try InstanceCodec.decode(body, format: format, now: now, reuse: reuse) }
        fuzzCheck(read == reused, "\(format) decoding with MetadataReuse differs:\n\(read)\n\(reused)")
        if format == .json { checkMemberByMemberIsTree(body) }
        guard let decoded = try? read.get() else { return }
        let encoded = InstanceCodec.encode(decoded.info, format: format)
        let again: DecodedInstance
        do {
            again = try InstanceCodec.decode(encoded, format: format, now: now)
        } catch {
            fuzzCheck(false, "our own \(format) encoding does not decode (\(error)): \(String(decoding: encoded, as: UTF8.self))")
            return
        }
        fuzzCheck(again.info == decoded.info,
                  "\(format) round trip changed the instance:\n\(decoded.info)\n\(again.info)\n\(String(decoding: encoded, as: UTF8.self))")
        // The compact form (X-Eureka-Accept: compact) must at least be well-formed for the same reader.
        var compact: [UInt8] = []
        if format == .json { compact.appendStatic("{\"instance\":") }
        InstanceCodec.append(decoded.info, format: format, representation: .compact, to: &compact)
        if format == .json { compact.append(UInt8(ascii: "}")) }
        switch format {
        case .json: fuzzCheck((try? JSONReader.parse(compact)) != nil, "compact JSON does not parse")
        case .xml: fuzzCheck((try? XMLReader.parse(compact)) != nil, "compact XML does not parse")
        }
    }

    /// Whatever the member-by-member reader (the register endpoint's) decodes, the whole-document reader decodes the
    /// same: the fast paths for strings, integers and nested objects change nothing.
    static func checkMemberByMemberIsTree(_ body: [UInt8]) {
        guard case .success(let fast?) = Result(catching: { () throws(CodecError) in
            try InstanceJSON.decodeWrapped(body, now: now, maxValues: .max)
        }) else { return }
        let tree = Result { () throws(CodecError) -> DecodedInstance in
            guard let instance = try JSONReader.parse(body)["instance"] else { throw .unparseable("no instance member") }
            return try InstanceJSON.decode(instance, now: now)
        }
        fuzzCheck(tree == .success(fast), "member-by-member JSON decoding differs from the tree's:\n\(fast)\n\(tree)")
    }
}
#endif
