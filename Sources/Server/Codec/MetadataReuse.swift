import Glibc

/// The metadata maps of recent register bodies, by their exact bytes. The instances of one application send the same
/// metadata object byte for byte (a Spring Boot client's ten entries, ~300 bytes); decoding it again made 20 Strings
/// and a map (~17,000 instructions of a registration under callgrind), and the registry then hashed the new map to
/// find the equal one it already shares. When the body's `metadata` object starts with the bytes of a remembered
/// one, that map is answered instead: equal bytes at the same place parse to the same map (the reading has no
/// other input), and its values are counted against the body's budget as if read. A map that comes back is the
/// same storage, so the registry can recognise it without hashing (`Metadata.sharesStorage`).
///
/// Loop-confined (the API's, like the registry). Bounded: `capacity` objects of at most `maxBytes` bytes each,
/// replaced in turn.
final class MetadataReuse {
    static let capacity = 8
    static let maxBytes = 4_096

    private struct Entry {
        var bytes: [UInt8]
        /// JSON values in the object, itself included (what reading it takes from the budget).
        var values: Int
        var metadata: Metadata
    }

    private var entries: [Entry] = []
    private var nextReplaced = 0

    init() {}

    /// The remembered object `rest` starts with: its byte count, its value count and its map.
    func match(_ rest: UnsafeBufferPointer<UInt8>) -> (bytes: Int, values: Int, metadata: Metadata)? {
        guard let base = rest.baseAddress else { return nil }
        for entry in entries where entry.bytes.count <= rest.count {
            let equal = entry.bytes.withUnsafeBufferPointer { memcmp($0.baseAddress!, base, $0.count) == 0 }
            if equal { return (entry.bytes.count, entry.values, entry.metadata) }
        }
        return nil
    }

    /// Remembers an object just read whole (its bytes from `{` to `}`), unless it is too large to keep.
    func remember(_ object: UnsafeBufferPointer<UInt8>, values: Int, metadata: Metadata) {
        guard !object.isEmpty, object.count <= Self.maxBytes else { return }
        let entry = Entry(bytes: Array(object), values: values, metadata: metadata)
        if entries.count < Self.capacity {
            entries.append(entry)
        } else {
            entries[nextReplaced] = entry
            nextReplaced = (nextReplaced + 1) % Self.capacity
        }
    }
}
