/// The compared state of one instance for anti-entropy (docs/anti-entropy.md): what two peers must agree on.
/// `overrideChangedAt` is not hashed: it only breaks the tie when both sides hold the same dirty timestamp but a
/// different override (an override set or removed does not move lastDirtyTimestamp, 4.7, 4.8).
struct InstanceDigestState: Sendable, Equatable {
    var id: String
    var lastDirtyTimestamp: Int64
    var status: InstanceStatus
    /// The record's overriddenStatus (UNKNOWN without an override), kept equal to the override map's entry.
    var overriddenStatus: InstanceStatus
    /// When this node last set or removed the override (its own clock, ms); 0 when it never did.
    var overrideChangedAt: Int64
    /// Order-independent hash of the record's metadata (`AntiEntropyHash.metadata`), 0 without metadata. A metadata
    /// update (4.9) leaves lastDirtyTimestamp alone, so without it a missed one would be invisible.
    var metadataHash: UInt64 = 0
    /// When this node last saw the record's metadata change with an equal or no dirty timestamp change (its clock,
    /// ms); 0 when it never did. Not hashed: it decides whose metadata is newer when the dirty timestamps are equal.
    var metadataChangedAt: Int64 = 0

    /// 64-bit FNV-1a of the UTF-8 text `id \n lastDirtyTimestamp \n status \n overriddenStatus` (and, with metadata,
    /// `\n` and the metadata hash in 16 hex digits), fed byte by byte so no String is built per instance.
    var hash: UInt64 {
        AntiEntropyHash.instance(id: id, lastDirtyTimestamp: lastDirtyTimestamp, status: status, overriddenStatus: overriddenStatus,
                                 metadataHash: metadataHash)
    }
}

/// A cancelled or evicted id as the digest reports it: the record's dirty timestamp when it was removed.
struct TombstoneState: Sendable, Equatable {
    var id: String
    var lastDirtyTimestamp: Int64
}

enum AntiEntropyHash {
    private static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    private static let prime: UInt64 = 0x0000_0100_0000_01b3

    static func instance(id: String, lastDirtyTimestamp: Int64, status: InstanceStatus, overriddenStatus: InstanceStatus,
                         metadataHash: UInt64 = 0) -> UInt64 {
        var hash = offsetBasis
        func feed(_ byte: UInt8) {
            hash = (hash ^ UInt64(byte)) &* prime
        }
        for byte in id.utf8 { feed(byte) }
        feed(0x0A)
        withDecimalDigits(lastDirtyTimestamp) { for byte in $0 { feed(byte) } }
        feed(0x0A)
        for byte in status.rawValue.utf8 { feed(byte) }
        feed(0x0A)
        for byte in overriddenStatus.rawValue.utf8 { feed(byte) }
        if metadataHash != 0 {
            feed(0x0A)
            // The 16 lower-case hex digits of `hex(metadataHash)`, fed as formed: the String cost ~1,700 instructions
            // of every registration (callgrind).
            for shift in stride(from: 60, through: 0, by: -4) {
                let nibble = UInt8(truncatingIfNeeded: metadataHash >> UInt64(shift)) & 0x0F
                feed(nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10)
            }
        }
        return hash
    }

    /// The sum (mod 2^64) of the FNV-1a of each entry's key, a 0xFF byte (never part of UTF-8, so no key/value split
    /// can collide with another) and its value: independent of the entries' order, 0 for no metadata.
    static func metadata(_ metadata: Metadata) -> UInt64 {
        var sum: UInt64 = 0
        for entry in metadata {
            var hash = offsetBasis
            for byte in entry.key.utf8 { hash = (hash ^ UInt64(byte)) &* prime }
            hash = (hash ^ 0xFF) &* prime
            for byte in entry.value.utf8 { hash = (hash ^ UInt64(byte)) &* prime }
            sum &+= hash
        }
        return sum
    }

    /// An application hash as text on the wire: 16 lower-case hex digits.
    static func hex(_ value: UInt64) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }
}

/// Per-application sums of instance hashes (mod 2^64), kept by the registry on every change so a round reads them
/// without walking the registry. A sum does not depend on order, so each change subtracts the instance's previous
/// hash (kept in its lease) and adds the new one.
struct ApplicationDigests {
    private(set) var sums: [String: (sum: UInt64, count: Int)] = [:]

    /// `old` is the hash the instance contributed until now, nil when it was not counted.
    mutating func replace(app: String, old: UInt64?, new: UInt64?) {
        var entry = sums[app] ?? (0, 0)
        if let old {
            entry.sum &-= old
            entry.count -= 1
        }
        if let new {
            entry.sum &+= new
            entry.count += 1
        }
        sums[app] = entry.count > 0 ? entry : nil
    }

    func hash(of app: String) -> UInt64? { sums[app]?.sum }
}

/// The metadata hashes of the last few maps hashed, by storage (replaced in turn). The stored records of one
/// application share one metadata map (RecordInterner), so each registration of another of its instances would hash
/// the same ~300 bytes again (~7,000 instructions, byte by byte); a map with the same storage has the same hash.
struct RecentMetadataHashes {
    static let capacity = 8

    private var recent = RecentByStorage<UInt64>(capacity: capacity)

    mutating func hash(_ map: Metadata) -> UInt64 {
        guard !map.isEmpty else { return 0 }
        if let hash = recent.value(for: map) { return hash }
        let hash = AntiEntropyHash.metadata(map)
        recent.remember(hash, for: map)
        return hash
    }
}
