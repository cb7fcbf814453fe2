/// The recently-changed list behind `GET /apps/delta` (spec 5.4; Netflix `recentlyChangedQueue`).
/// Entries point at leases, not copies: a delta shows each lease's record as it is when the delta is built
/// (4.1: the record is shared by reference), and a cancelled lease keeps its DELETED state and eviction time.
///
/// A delta shows only the latest entry of each instance, so an entry superseded by a newer one for the same
/// instance lets go of its lease at once: an instance re-registering every second no longer pins 180 leases
/// (Netflix keeps them all; the deltas it serves are the same).
struct RecentChanges {
    struct Entry {
        let appendedAt: Int64
        /// nil once a later entry of the same instance superseded it.
        var lease: Lease?
    }

    struct InstanceKey: Hashable {
        let app: String
        let id: String
    }

    /// Oldest first. Pruning advances `head` and compacts only when the dead prefix dominates, so the
    /// retention task costs amortised O(pruned), not O(list).
    private(set) var entries: [Entry] = []
    private var head = 0
    /// Entries removed by compaction so far: absolute position = `dropped` + index in `entries`.
    private var dropped = 0
    /// The absolute position of each instance's newest entry.
    private(set) var newest: [InstanceKey: Int] = [:]

    /// Entries still holding a lease (each changed instance once).
    var count: Int { newest.count }

    mutating func append(_ lease: Lease, now: Int64) {
        let key = InstanceKey(app: lease.instance.app, id: lease.id)
        if let previous = newest[key], previous - dropped >= head {
            entries[previous - dropped].lease = nil
        }
        entries.append(Entry(appendedAt: now, lease: lease))
        newest[key] = dropped + entries.count - 1
    }

    /// Drops entries from the head while `appendedAt < now - retention`, stopping at the first younger one
    /// (5.4, `getDeltaRetentionTask`): with a 30 s timer a change stays between 180 and 210 s.
    /// Returns how many cancelled leases it let go of: records now gone from memory (the registry holds them no
    /// longer), which is what tells the node a large release happened.
    @discardableResult
    mutating func prune(now: Int64, retentionMs: Int64) -> Int {
        let cutoff = now - retentionMs
        var releasedCancelled = 0
        while head < entries.count, entries[head].appendedAt < cutoff {
            if let lease = entries[head].lease {
                // Still the newest entry of its instance (superseded ones hold no lease).
                newest[InstanceKey(app: lease.instance.app, id: lease.id)] = nil
                if lease.isCancelled { releasedCancelled += 1 }
                entries[head].lease = nil
            }
            head += 1
        }
        defer { compactIfMostlyPruned() }
        return releasedCancelled
    }

    private mutating func compactIfMostlyPruned() {
        if head > 0, head * 2 >= entries.count {
            // A list that shrank to an eighth of its capacity is copied into a fitting one: after a mass
            // cancellation the emptied tables would otherwise keep their peak size (tables never shrink on removal).
            if entries.capacity > 1_024, (entries.count - head) * 8 < entries.capacity {
                entries = Array(entries[head...])
            } else {
                entries.removeFirst(head)
            }
            dropped += head
            head = 0
        }
        if newest.capacity > 1_024, newest.count * 8 < newest.capacity {
            var fitting = [InstanceKey: Int](minimumCapacity: newest.count)
            for (key, position) in newest { fitting[key] = position }
            newest = fitting
        }
    }

    /// The absolute position the next entry will get: a mark that `newestLeases(since:)` reads back from.
    var endPosition: Int { dropped + entries.count }

    /// The leases of the instances changed at or after `position` (each once: only newest entries hold a lease).
    /// What a snapshot taken over several loop turns re-reads at its last turn. Positions stay valid across
    /// pruning; entries already pruned are simply gone.
    func newestLeases(since position: Int) -> [Lease] {
        let start = max(position - dropped, head)
        guard start < entries.count else { return [] }
        return entries[start...].compactMap(\.lease)
    }

    /// Every lease still in the list, each instance once, in list order.
    func allNewestLeases() -> [Lease] {
        entries[head...].compactMap(\.lease)
    }

    /// Each changed instance once, grouped app -> id -> lease: only the newest entry of each holds a lease.
    func latestLeases() -> [String: [String: Lease]] {
        var byApp: [String: [String: Lease]] = [:]
        for entry in entries[head...] {
            guard let lease = entry.lease else { continue }
            byApp[lease.instance.app, default: [:]][lease.id] = lease
        }
        return byApp
    }
}
