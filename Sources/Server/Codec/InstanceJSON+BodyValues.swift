/// The instance's nested values read straight from the register body (`JSONReader`), member by member: no tree and
/// no String per key, for the common shapes clients send. Any other shape is read as a tree value and handed to the
/// reference rules (InstanceJSON+TreeValues.swift), so the result is the same either way.
extension InstanceJSON {
    /// A status written exactly as its name (what clients send), without a String; nil for anything else, which
    /// `LenientInput.status` reads (the same status for these).
    static func exactStatus(_ raw: JSONReader.RawValue) -> InstanceStatus? {
        guard case .plainString(let bytes) = raw else { return nil }
        switch bytes.count {
        case 2: return bytes.equals("UP") ? .up : nil
        case 4: return bytes.equals("DOWN") ? .down : nil
        case 7: return bytes.equals("UNKNOWN") ? .unknown : nil
        case 8: return bytes.equals("STARTING") ? .starting : nil
        case 14: return bytes.equals("OUT_OF_SERVICE") ? .outOfService : nil
        default: return nil
        }
    }

    /// `port` read from the body: an object member by member, anything else as the tree's value.
    static func port(_ reader: inout JSONReader, default fallback: PortInfo) throws(CodecError) -> PortInfo {
        guard reader.peek() == UInt8(ascii: "{") else { return try port(reader.readValue(), default: fallback) }
        var port = fallback
        var cursor = try reader.enterObject()
        while let key = try reader.nextKey(&cursor) {
            if key.equals("$") {
                let raw = try reader.readRaw()
                if let number = raw.plainInteger {
                    guard (0...65535).contains(number) else { throw .unparseable("bad port number \(number)") }
                    port.number = Int(number)
                } else if let text = try text(raw.value) {
                    port.number = try LenientInput.portNumber(text)
                }
            } else if key.equals("@enabled") {
                let raw = try reader.readRaw()
                port.enabled = raw.isPlain("true") ? true : raw.isPlain("false") ? false : boolean(raw.value) ?? fallback.enabled
            } else {
                try reader.skipValue()
            }
        }
        return port
    }

    /// `dataCenterInfo` read from the body: an object member by member (`@class` checked, not copied).
    static func dataCenterInfo(_ reader: inout JSONReader) throws(CodecError) -> (DataCenterInfo?, Bool) {
        guard reader.peek() == UInt8(ascii: "{") else { return try dataCenterInfo(reader.readValue()) }
        var name: DataCenterInfo.Name?
        var metadata = Metadata()
        var cursor = try reader.enterObject()
        while let key = try reader.nextKey(&cursor) {
            if key.equals("name") {
                name = try text(try reader.readRaw().value).map { (text) throws(CodecError) in try LenientInput.dataCenterName(text) }
            } else if key.equals("metadata") {
                metadata = try stringMap(&reader)
            } else {
                try reader.skipValue()
            }
        }
        guard let name else { return (nil, true) }
        return (DataCenterInfo(name: name, metadata: name == .amazon ? metadata : Metadata()), false)
    }

    /// `leaseInfo` read from the body: an object member by member, keys matched as bytes.
    static func leaseInfo(_ reader: inout JSONReader) throws(CodecError) -> LeaseInfo? {
        guard reader.peek() == UInt8(ascii: "{") else { return try leaseInfo(reader.readValue()) }
        var lease = LeaseInfo()
        var cursor = try reader.enterObject()
        while let key = try reader.nextKey(&cursor) {
            let raw = try reader.readRaw()
            guard let number = raw.plainInteger ?? raw.value.scalarText.flatMap(LenientInput.integer) else { continue }
            lease.set(key, number)
        }
        return lease
    }

    /// The instance's metadata: a remembered object's map when the body repeats its bytes, else read and remembered.
    static func metadata(_ reader: inout JSONReader, reuse: MetadataReuse?) throws(CodecError) -> Metadata {
        guard let reuse, reader.peek() == UInt8(ascii: "{") else { return try stringMap(&reader) }
        if let known = reuse.match(reader.rest()) {
            try reader.skip(bytes: known.bytes, values: known.values)
            return known.metadata
        }
        let start = reader.position
        let budget = reader.valuesLeft
        let metadata = try stringMap(&reader)
        reuse.remember(UnsafeBufferPointer(rebasing: reader.bytes[start..<reader.position]),
                       values: budget - reader.valuesLeft, metadata: metadata)
        return metadata
    }

    /// A string map read from the body: an object member by member, `@class` checked, not copied.
    static func stringMap(_ reader: inout JSONReader) throws(CodecError) -> Metadata {
        guard reader.peek() == UInt8(ascii: "{") else { return try stringMap(reader.readValue()) }
        var updates: [(String, String?)] = []
        updates.reserveCapacity(16)
        var cursor = try reader.enterObject()
        while let key = try reader.nextKey(&cursor) {
            if key.equals("@class") {
                try reader.skipValue()
                continue
            }
            updates.append((String(decoding: key, as: UTF8.self), try text(try reader.readRaw().value)))
        }
        return Metadata(updates: updates)
    }
}
