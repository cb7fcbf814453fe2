/// JSON → InstanceInfo with the lenient rules of spec 3.7: numbers or numeric strings, lenient
/// booleans, `null` as absent, unknown members of any shape skipped. Members are applied in order,
/// so a duplicate key's last value wins, and a later `null` restores the default.
///
/// Two ways in, one record: `decode` walks a parsed tree, `decodeWrapped` reads the register body member by
/// member; both hand each known member to a `RecordBuilder` (InstanceJSONRecordBuilder.swift), which reads
/// values through the tree readers (InstanceJSON+TreeValues.swift) or straight from the body
/// (InstanceJSON+BodyValues.swift), and recognises member names through `InstanceField`.
extension InstanceJSON {
    /// Decodes the instance object itself (no `instance` wrapper): the register body's inner object,
    /// an element of an application's `instance` array, or a batch item's `instanceInfo`.
    static func decode(_ value: JSONValue, now: Int64) throws(CodecError) -> DecodedInstance {
        guard case .object(let members) = value else { throw .unparseable("instance is not an object") }
        var builder = RecordBuilder(now: now)
        for member in members {
            guard let field = InstanceField.byName[member.key] else { continue }
            try builder.apply(field, member.value)
        }
        return try builder.finish()
    }

    /// The register body `{"instance":{…}}` read member by member, without the document's tree or a String per
    /// key (the tree path cost ~100,000 instructions per ~1.1 KB body under callgrind). Nil for any other shape
    /// and for any other error: the caller then decodes the body whole, so what is refused, and with which error,
    /// stays exactly what the tree path decides. The one error thrown here is the value budget's: the tree counts
    /// the same values in the same order and would stop at the same one, so a hostile body is not parsed twice.
    /// `reuse` (the API's) answers a metadata object seen in a recent body without reading it again.
    static func decodeWrapped(_ body: [UInt8], now: Int64, maxValues: Int,
                              reuse: MetadataReuse? = nil) throws(CodecError) -> DecodedInstance? {
        var builder = RecordBuilder(now: now)
        builder.reuse = reuse
        do {
            let complete = try JSONReader.readWrappedMembers(body, wrapper: "instance", maxValues: maxValues) {
                (key, reader) throws(CodecError) in
                guard let field = InstanceField.named(key) else { return try reader.skipValue() }
                try builder.apply(field, &reader)
            }
            return complete ? try builder.finish() : nil
        } catch .tooManyValues(let limit) {
            throw .tooManyValues(limit: limit)
        } catch {
            return nil
        }
    }
}
