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
    /// The absolute position of the newest entry of each instance whose newest entry holds a cancelled lease: a later
    /// registration of that instance brings a new lease the registry cannot link to the cancelled one. Every other
    /// newest entry is found through its lease (`Lease.changePosition`) or through the lease the registration
    /// replaces, so a changed instance costs no table entry (a table of every changed instance, keyed by app and id,
    /// cost ~105 bytes per instance at 100,000; issue 19).
    private(set) var newestCancelled: [InstanceKey: Int] = [:]

    /// The sequence of the first entry ever appended; the node sets it once, before any entry.
    var firstSequence: UInt64 = 0

    /// Entries still holding a lease (each changed instance once).
    private(set) var count = 0

    /// The sequence of the newest entry; `firstSequence - 1` while none was appended.
    var latestSequence: UInt64 { firstSequence &+ UInt64(endPosition) &- 1 }

    /// The sequence of the newest entry of an instance, while the list still holds it: found through the lease the
    /// registry holds for it (`current`), or for a cancelled instance through the table of cancelled ones.
    func sequence(app: String, id: String, current lease: Lease?) -> UInt64? {
        if let lease, lease.changePosition >= 0 { return firstSequence &+ UInt64(lease.changePosition) }
        return newestCancelled[InstanceKey(app: app, id: id)].map { firstSequence &+ UInt64($0) }
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

    /// `replacing`: the lease this one replaces in the registry (a re-registration), whose entry it supersedes.
    mutating func append(_ lease: Lease, now: Int64, replacing previous: Lease? = nil) {
        release(at: lease.changePosition)
        if let previous { release(at: previous.changePosition) }
        if !newestCancelled.isEmpty, let position = newestCancelled[Self.key(lease)] { release(at: position) }
        let position = dropped + entries.count
        entries.append(Entry(appendedAt: now, lease: lease))
        lease.changePosition = position
        count += 1
        if lease.isCancelled { newestCancelled[Self.key(lease)] = position }
    }

    private static func key(_ lease: Lease) -> InstanceKey { InstanceKey(app: lease.instance.app, id: lease.id) }

    /// Empties the entry at an absolute position (a superseded or pruned newest entry), if it is still in the list.
    private mutating func release(at position: Int) {
        let index = position - dropped
        guard position >= 0, index >= head, index < entries.count, let lease = entries[index].lease else { return }
        entries[index].lease = nil
        lease.changePosition = -1
        count -= 1
        if lease.isCancelled, newestCancelled[Self.key(lease)] == position { newestCancelled[Self.key(lease)] = nil }
    }

    /// Drops entries from the head while `appendedAt < now - retention`, stopping at the first younger one
    /// (5.4, `getDeltaRetentionTask`): with a 30 s timer a change stays between 180 and 210 s.
    /// Returns how many cancelled leases it let go of: records now gone from memory (the registry holds them no
    /// longer), which is what tells the node a large release happened.
    /// `maxReleased`: stops before letting go of more cancelled leases than this (`hasExpired` then still says true),
    /// so a mass cancellation is freed, and its pages trimmed, in bounded steps (issue 19: a trim after 10,000
    /// records held the loop up to 22 ms).
    @discardableResult
    mutating func prune(now: Int64, retentionMs: Int64, maxReleased: Int = .max) -> Int {
        let cutoff = now - retentionMs
        var releasedCancelled = 0
        while head < entries.count, entries[head].appendedAt < cutoff {
            // Still the newest entry of its instance if it holds a lease (superseded ones hold none).
            if let lease = entries[head].lease, lease.isCancelled {
                guard releasedCancelled < maxReleased else { break }
                releasedCancelled += 1
            }
            release(at: dropped + head)
            head += 1
        }
        defer { compactIfMostlyPruned() }
        return releasedCancelled
    }

    /// Whether the oldest entry is past the retention (what a `prune` limited by `maxReleased` left).
    func hasExpired(now: Int64, retentionMs: Int64) -> Bool {
        head < entries.count && entries[head].appendedAt < now - retentionMs
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
        if newestCancelled.capacity > 1_024, newestCancelled.count * 8 < newestCancelled.capacity {
            var fitting = [InstanceKey: Int](minimumCapacity: newestCancelled.count)
            for (key, position) in newestCancelled { fitting[key] = position }
            newestCancelled = fitting
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

    /// The absolute position of the oldest entry still in the list.
    var startPosition: Int { dropped + head }

    /// The leases of the newest entries in positions `from..<upTo` (absolute, clamped to what is still listed):
    /// a delta snapshot copies the list in slices of positions.
    func newestLeases(from: Int, upTo: Int) -> [Lease] {
        let start = max(from - dropped, head)
        let end = min(upTo - dropped, entries.count)
        guard start < end else { return [] }
        return entries[start..<end].compactMap(\.lease)
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
