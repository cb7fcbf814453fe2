/// What was last derived from a few metadata maps, found by storage identity and replaced in turn. The stored records
/// of one application share one metadata map (RecordInterner), so the next registration of another of its instances
/// finds the result without deriving it again (a byte-by-byte walk of ~300 bytes). Loop thread only.
struct RecentByStorage<Value> {
    let capacity: Int
    private var entries: [(map: Metadata, value: Value)] = []
    private var nextReplaced = 0

    init(capacity: Int) { self.capacity = capacity }

    func value(for map: Metadata) -> Value? {
        for entry in entries where entry.map.sharesStorage(with: map) { return entry.value }
        return nil
    }

    mutating func remember(_ value: Value, for map: Metadata) {
        if entries.count < capacity {
            entries.append((map, value))
        } else {
            entries[nextReplaced] = (map, value)
            nextReplaced = (nextReplaced + 1) % capacity
        }
    }

    mutating func removeAll() {
        entries = []
        nextReplaced = 0
    }
}
