/// Ids cancelled or evicted recently (docs/anti-entropy.md), so a round can tell "the peer never heard of this
/// instance" from "the peer removed it after our last change". Bounded twice: an entry lives `retentionMs`
/// (expired against the injected clock when the set is touched), and past `capacity` entries the oldest removal
/// is dropped first (its id then looks never-seen: at worst a peer re-registers an instance that is gone, which
/// its lease expiry removes again). Registering an id again removes its entry.
struct Tombstones {
    struct Entry {
        var lastDirtyTimestamp: Int64
        var removedAt: Int64
        /// Which FIFO slot is this entry's: an older slot for the same id (removed, registered, removed again) is
        /// stale and skipped.
        var sequence: Int
    }

    let retentionMs: Int64
    let capacity: Int
    private(set) var byApp: [String: [String: Entry]] = [:]
    private(set) var count = 0
    /// Removal order: (app, id, sequence); `head` is the oldest slot still to look at.
    private var order: [(app: String, id: String, sequence: Int)] = []
    private var head = 0
    private var nextSequence = 0

    /// `retentionMs <= 0` or `capacity <= 0`: nothing is recorded.
    init(retentionMs: Int64, capacity: Int) {
        self.retentionMs = retentionMs
        self.capacity = capacity
    }

    var isEnabled: Bool { retentionMs > 0 && capacity > 0 }

    mutating func record(app: String, id: String, lastDirtyTimestamp: Int64, now: Int64) {
        guard isEnabled else { return }
        expire(now: now)
        if byApp[app]?[id] == nil { count += 1 }
        byApp[app, default: [:]][id] = Entry(lastDirtyTimestamp: lastDirtyTimestamp, removedAt: now, sequence: nextSequence)
        order.append((app, id, nextSequence))
        nextSequence += 1
        while count > capacity, dropOldest() {}
        compactIfSparse()
    }

    /// A new registration of the id: it is alive again.
    mutating func clear(app: String, id: String) {
        guard count > 0, byApp[app]?.removeValue(forKey: id) != nil else { return }
        if byApp[app]?.isEmpty == true { byApp[app] = nil }
        count -= 1
    }

    /// Drops every entry removed `retentionMs` or more ago.
    mutating func expire(now: Int64) {
        while head < order.count {
            let slot = order[head]
            if let entry = byApp[slot.app]?[slot.id], entry.sequence == slot.sequence, now - entry.removedAt < retentionMs { break }
            _ = dropOldest()
        }
        compactIfSparse()
    }

    func entries(of app: String) -> [String: Entry] { byApp[app] ?? [:] }

    /// Removes the oldest slot's entry if it is still that slot's; false when the order is exhausted.
    private mutating func dropOldest() -> Bool {
        guard head < order.count else { return false }
        let slot = order[head]
        head += 1
        if let entry = byApp[slot.app]?[slot.id], entry.sequence == slot.sequence {
            byApp[slot.app]?[slot.id] = nil
            if byApp[slot.app]?.isEmpty == true { byApp[slot.app] = nil }
            count -= 1
        }
        return true
    }

    /// Keeps the order array within about twice the live entries: consumed and stale slots are dropped.
    private mutating func compactIfSparse() {
        guard head > 1024, head * 2 > order.count else { return }
        order.removeFirst(head)
        head = 0
        if order.count > 2 * count + 1024 {
            order = order.filter { byApp[$0.app]?[$0.id]?.sequence == $0.sequence }
        }
    }
}
