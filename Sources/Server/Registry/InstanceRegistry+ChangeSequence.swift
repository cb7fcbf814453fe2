/// The change sequence of the recently-changed list (docs/change-stream.md): what the change stream and the
/// long-poll delta number their events with and resume from.
extension InstanceRegistry {
    /// The sequence of the newest change; one below the first sequence while nothing changed.
    var latestChangeSequence: UInt64 { recentChanges.latestSequence }

    /// The sequence of an instance's newest change, while the list holds it (read right after its event).
    func changeSequence(app: String, id: String) -> UInt64? {
        recentChanges.sequence(app: app, id: id, current: apps[app]?[id])
    }

    /// The changes after `sequence` as a delta shows them (each instance once, its record now), oldest first, or
    /// nil when a change after it was already pruned or `sequence` was never this node's.
    func changes(after sequence: UInt64) -> [(sequence: UInt64, record: InstanceInfo)]? {
        recentChanges.entries(after: sequence)?.map { ($0.sequence, decorated($0.lease)) }
    }

    /// How many changes follow `sequence` (nil as for `changes(after:)`): checked before `changes(after:)` builds them.
    func changeCount(after sequence: UInt64) -> Int? { recentChanges.countAfter(sequence) }
}
