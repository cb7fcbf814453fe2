/// Shares equal strings and equal metadata maps among the records the registry stores (issue 19: memory per
/// instance). Instances of one application repeat most of their record: the app name, VIP and secure VIP names,
/// the metadata keys and usually the whole metadata map. Without sharing, each registration keeps its own heap
/// copy of each (a Spring Boot client's ten metadata entries cost ~550 bytes per instance); with it, a record points
/// at the first equal one's storage.
///
/// Only strings over 15 UTF-8 bytes are looked at: Swift stores shorter ones inline, with nothing to share.
/// Per-instance strings (instance id, host name, IP address, the URLs built from the host) are not offered: they
/// would only fill the tables.
///
/// Bounded, never freed entry by entry: the tables hold at most `maxStrings` strings and `maxMaps` maps; when
/// one is full it is dropped whole and starts again (the records keep what they already share, so nothing
/// changes for them; only later registrations stop sharing with earlier ones). So a registry of mostly unique values
/// costs a hash lookup per offered string and a bounded table, never an unbounded one, and what the tables keep
/// alive after the records are gone is bounded too (`removeAll` drops it when the registry empties).
///
/// Loop-confined, like the registry. What it hands out is ordinary immutable Swift values (copy-on-write buffers
/// with atomic reference counts), so the snapshot readers on pool threads read shared storage safely.
struct RecordInterner {
    static let maxStrings = 16_384
    static let maxMaps = 4_096
    /// Longest string kept inline by Swift (64-bit): nothing to gain below it.
    static let inlineBytes = 15

    static let recentCapacity = 8

    private var strings = Set<String>()
    private var maps = Set<Metadata>()
    /// The last maps offered and the answer each got, by storage (replaced in turn): the decoder hands the same map
    /// storage to every body that repeats a metadata object (MetadataReuse), so it gets its answer without the map
    /// being hashed (~5,500 instructions for ten entries) and compared again.
    private var recentMaps = RecentByStorage<Metadata>(capacity: recentCapacity)

    /// Entries held (tests).
    var stringCount: Int { strings.count }
    var mapCount: Int { maps.count }

    mutating func share(_ text: String) -> String {
        guard text.utf8.count > Self.inlineBytes else { return text }
        if let index = strings.firstIndex(of: text) { return strings[index] }
        if strings.count >= Self.maxStrings { strings.removeAll() }
        strings.insert(text)
        return text
    }

    mutating func share(_ text: String?) -> String? {
        guard let text else { return nil }
        return share(text)
    }

    /// An equal map seen before comes back as that map (one array for all); a new one is stored with its keys and
    /// values shared.
    mutating func share(_ metadata: Metadata) -> Metadata {
        guard !metadata.isEmpty else { return metadata }
        if let shared = recentMaps.value(for: metadata) { return shared }
        let shared = sharedMap(metadata)
        recentMaps.remember(shared, for: metadata)
        return shared
    }

    private mutating func sharedMap(_ metadata: Metadata) -> Metadata {
        if let index = maps.firstIndex(of: metadata) { return maps[index] }
        let shared = metadata.sharingStrings { share($0) }
        if maps.count >= Self.maxMaps { maps.removeAll() }
        maps.insert(shared)
        return shared
    }

    /// The record with its repeated parts shared; every value stays equal to the one given.
    mutating func share(_ record: InstanceInfo) -> InstanceInfo {
        var shared = record
        share(&shared)
        return shared
    }

    /// The same, in place: the registration's own record, not a copy of it (each copy of a record retains and
    /// releases its ~20 strings and buffers: ~500 instructions, bench/callgrind-register.sh).
    mutating func share(_ record: inout InstanceInfo) {
        record.app = share(record.app)
        record.sid = share(record.sid)
        record.vipAddress = share(record.vipAddress)
        record.secureVipAddress = share(record.secureVipAddress)
        record.appGroupName = share(record.appGroupName)
        record.asgName = share(record.asgName)
        record.metadata = share(record.metadata)
        if record.dataCenterInfo?.metadata.isEmpty == false {
            record.dataCenterInfo!.metadata = share(record.dataCenterInfo!.metadata)
        }
    }

    mutating func removeAll() {
        strings = []
        maps = []
        recentMaps.removeAll()
    }
}
