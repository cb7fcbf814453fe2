/// A string -> string map that keeps the order entries arrived in, so what a client registered
/// is written back exactly as given (spec 3.6). Small maps are the norm, so their lookups scan; a map past
/// `indexedAbove` entries also keeps a key -> position index, so that building or merging a large map is linear
/// (a hostile body with 70,000 keys took 4.9 s to decode when every insertion scanned the entries before it).
struct Metadata: Sendable, Hashable, Sequence {
    struct Entry: Sendable, Hashable {
        var key: String
        var value: String
        init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }

    /// Below this many entries a scan is cheaper than hashing, and records stay free of a dictionary each.
    static let indexedAbove = 16

    private(set) var entries: [Entry] = []
    /// key -> index in `entries`; nil while the map is small.
    private(set) var positions: [String: Int]?

    init() {}

    init(_ pairs: [(String, String)]) {
        self.init(updates: pairs.map { ($0.0, Optional($0.1)) })
    }

    /// Applies `updates` in order as the subscript would (a key again overwrites in place, nil removes, a key
    /// set again after its removal goes to the end), in time linear in their number: removals only leave holes,
    /// closed once at the end. The decoders build every map through here.
    init(updates: some Sequence<(String, String?)>) {
        var slots: [Entry?] = []
        // Small maps (nearly all) are searched by a scan: hashing every key into an index cost ~2,000 instructions
        // per entry of a registration (callgrind). The index is built once the slots outgrow `indexedAbove`, so a
        // body with thousands of keys stays linear.
        var index: [String: Int]?
        for (key, value) in updates {
            let found: Int?
            if let index {
                found = index[key]
            } else {
                // Lengths first (a stored count for native Strings): distinct keys mostly differ there, and String ==
                // of two distinct keys of one length costs ~100 instructions.
                let length = key.utf8.count
                found = slots.firstIndex { $0.map { $0.key.utf8.count == length && $0.key == key } ?? false }
            }
            if let position = found {
                if let value {
                    slots[position]!.value = value
                } else {
                    slots[position] = nil
                    index?[key] = nil
                }
            } else if let value {
                index?[key] = slots.count
                slots.append(Entry(key: key, value: value))
                if index == nil, slots.count > Self.indexedAbove {
                    var built = [String: Int](minimumCapacity: 2 * slots.count)
                    for (position, slot) in slots.enumerated() { if let slot { built[slot.key] = position } }
                    index = built
                }
            }
        }
        entries = slots.compactMap { $0 }
        reindex()
    }

    var isEmpty: Bool { entries.isEmpty }
    var count: Int { entries.count }

    private func position(of key: String) -> Int? {
        if let positions { return positions[key] }
        return entries.firstIndex(where: { $0.key == key })
    }

    private mutating func reindex() {
        guard entries.count > Self.indexedAbove else {
            positions = nil
            return
        }
        var index = [String: Int](minimumCapacity: entries.count)
        for (position, entry) in entries.enumerated() { index[entry.key] = position }
        positions = index
    }

    /// Setting an existing key overwrites it in place (duplicate keys: last wins); nil removes. A removal
    /// shifts the entries after it (rare: only `init(updates:)` sees removals in bulk, and it does not come here).
    subscript(key: String) -> String? {
        get { position(of: key).map { entries[$0].value } }
        set {
            if let index = position(of: key) {
                if let newValue {
                    entries[index].value = newValue
                } else {
                    entries.remove(at: index)
                    reindex()
                }
            } else if let newValue {
                entries.append(Entry(key: key, value: newValue))
                if positions != nil {
                    positions![key] = entries.count - 1
                } else if entries.count > Self.indexedAbove {
                    reindex()
                }
            }
        }
    }

    /// Overwrites the given keys, keeps the others (the metadata endpoint's merge, spec 2.11).
    mutating func merge(_ other: Metadata) {
        for entry in other.entries { self[entry.key] = entry.value }
    }

    /// Whether both maps hold the very same stored entries (one copy-on-write buffer), which makes them equal without
    /// comparing a string: how a map decoded again from repeated bytes (MetadataReuse) is recognised cheaply. False
    /// for empty maps (nothing to recognise) and for equal maps stored apart.
    func sharesStorage(with other: Metadata) -> Bool {
        entries.withUnsafeBufferPointer { mine in
            other.entries.withUnsafeBufferPointer { theirs in
                mine.count > 0 && mine.count == theirs.count && mine.baseAddress == theirs.baseAddress
            }
        }
    }

    /// The index is derived from the entries, so only they count.
    static func == (a: Metadata, b: Metadata) -> Bool { a.entries == b.entries }
    func hash(into hasher: inout Hasher) { hasher.combine(entries) }

    /// The same entries with each key and value replaced by `share(_:)`'s answer (the registry's interner): equal
    /// strings of many records then share one heap object. The order and the index are kept.
    func sharingStrings(_ share: (String) -> String) -> Metadata {
        var copy = self
        copy.entries = entries.map { Entry(key: share($0.key), value: share($0.value)) }
        return copy
    }

    func makeIterator() -> IndexingIterator<[Entry]> { entries.makeIterator() }
}
