/// A string -> string map that keeps the order entries arrived in, so what a client registered
/// is written back exactly as given (spec 3.6). Small maps are the norm, so lookups scan.
struct Metadata: Sendable, Equatable, Sequence {
    struct Entry: Sendable, Equatable {
        var key: String
        var value: String
        init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }

    private(set) var entries: [Entry] = []

    init() {}

    init(_ pairs: [(String, String)]) {
        for (key, value) in pairs { self[key] = value }
    }

    var isEmpty: Bool { entries.isEmpty }
    var count: Int { entries.count }

    /// Setting an existing key overwrites it in place (duplicate keys: last wins); nil removes.
    subscript(key: String) -> String? {
        get { entries.first(where: { $0.key == key })?.value }
        set {
            if let index = entries.firstIndex(where: { $0.key == key }) {
                if let newValue { entries[index].value = newValue } else { entries.remove(at: index) }
            } else if let newValue {
                entries.append(Entry(key: key, value: newValue))
            }
        }
    }

    /// Overwrites the given keys, keeps the others (the metadata endpoint's merge, spec 2.11).
    mutating func merge(_ other: Metadata) {
        for entry in other.entries { self[entry.key] = entry.value }
    }

    func makeIterator() -> IndexingIterator<[Entry]> { entries.makeIterator() }
}
