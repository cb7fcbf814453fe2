/// The recently-changed list behind `GET /apps/delta` (spec 5.4; Netflix `recentlyChangedQueue`).
/// Entries point at leases, not copies: a delta shows each lease's record as it is when the delta is built
/// (4.1: the record is shared by reference), and a cancelled lease keeps its DELETED state and eviction time.
///
/// A delta shows only the latest entry of each instance, so an entry superseded by a newer one for the same
/// instance lets go of its lease at once: an instance re-registering every second no longer pins 180 leases
/// (Netflix keeps them all; the deltas it serves are the same).
///
/// Each entry has a change sequence (docs/change-stream.md): `firstSequence` + its absolute position. The node
/// starts it at its start time in ms, so a sequence from before a restart is older than every later one.
struct RecentChanges {
    struct Entry {
        let appendedAt: Int64
        /// nil once a later entry of the same instance superseded it.
        var lease: Lease?
    }

    private struct InstanceKey: Hashable {
        let app: String
        let id: String
    }

    /// Oldest first. Pruning advances `head` and compacts only when the dead prefix dominates, so the
    /// retention task costs amortised O(pruned), not O(list).
    private var entries: [Entry] = []
    private var head = 0
    /// Entries removed by compaction so far: absolute position = `dropped` + index in `entries`.
    private var dropped = 0
    /// The absolute position of each instance's newest entry.
    private var newest: [InstanceKey: Int] = [:]

    /// The sequence of the first entry ever appended; the node sets it once, before any entry.
    var firstSequence: UInt64 = 0

    /// Entries still holding a lease (each changed instance once).
    var count: Int { newest.count }

    /// The sequence of the newest entry; `firstSequence - 1` while none was appended.
    var latestSequence: UInt64 { firstSequence &+ UInt64(endPosition) &- 1 }

    /// The sequence of the newest entry of an instance, while the list still holds it.
    func sequence(app: String, id: String) -> UInt64? {
        newest[InstanceKey(app: app, id: id)].map { firstSequence &+ UInt64($0) }
    }

    /// The entries after `sequence`, oldest first, as (sequence, lease), when every entry after it is still in the
    /// list; nil when some were pruned (too far behind) or `sequence` is newer than any entry (another node's, or
    /// from the future). Superseded entries are left out: their instance's newer entry follows them (as a delta
    /// shows each instance once), so a client applying these ends in the same state.
    func entries(after sequence: UInt64) -> [(sequence: UInt64, lease: Lease)]? {
        let oldestRetained = firstSequence &+ UInt64(dropped + head)
        guard sequence &+ 1 >= oldestRetained, sequence <= latestSequence, sequence &+ 1 >= firstSequence else { return nil }
        let start = Int(sequence &+ 1 &- firstSequence) - dropped
        guard start < entries.count else { return [] }
        return entries[start...].enumerated().compactMap { offset, entry in
            entry.lease.map { (firstSequence &+ UInt64(dropped + start + offset), $0) }
        }
    }

    /// How many entries follow `sequence` (superseded ones included), or nil as for `entries(after:)`.
    func countAfter(_ sequence: UInt64) -> Int? {
        let oldestRetained = firstSequence &+ UInt64(dropped + head)
        guard sequence &+ 1 >= oldestRetained, sequence <= latestSequence, sequence &+ 1 >= firstSequence else { return nil }
        return Int(latestSequence &- sequence)
    }

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
    mutating func prune(now: Int64, retentionMs: Int64) {
        let cutoff = now - retentionMs
        while head < entries.count, entries[head].appendedAt < cutoff {
            if let lease = entries[head].lease {
                // Still the newest entry of its instance (superseded ones hold no lease).
                newest[InstanceKey(app: lease.instance.app, id: lease.id)] = nil
            }
            head += 1
        }
        if head > 0, head * 2 >= entries.count {
            entries.removeFirst(head)
            dropped += head
            head = 0
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
