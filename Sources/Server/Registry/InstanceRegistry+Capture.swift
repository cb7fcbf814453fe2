/// What a snapshot taken over several loop turns reads (the response cache's `RegistryWalk`): the leases to copy,
/// a mark in the recently-changed list, and after the last turn the leases changed since that mark.
extension InstanceRegistry {
    /// The names of the applications with a lease now, unordered.
    func applicationNames() -> [String] { Array(apps.keys) }

    /// The leases of one application, unordered: references only (a retain each); none once it has gone.
    func leases(ofApplication app: String) -> [Lease] { apps[app].map { Array($0.values) } ?? [] }

    /// Where the recently-changed list begins and ends now: the positions a delta's leases lie between.
    var changeStart: Int { recentChanges.startPosition }
    var changeMark: Int { recentChanges.endPosition }

    /// The leases a delta would show from the list positions `from..<upTo` (each changed instance once at most).
    func deltaLeases(from: Int, upTo: Int) -> [Lease] { recentChanges.newestLeases(from: from, upTo: upTo) }

    /// The leases of instances changed since `mark` (registered, cancelled, evicted, status changed).
    func leasesChanged(since mark: Int) -> [Lease] { recentChanges.newestLeases(since: mark) }

    /// The current lease of an instance, whatever its expiry (documents list expired-not-evicted ones, 4.11).
    func lease(app: String, id: String) -> Lease? { apps[app]?[id] }

    /// Bumps the delta counter of 5.5 as building a delta document does.
    func nextDeltaVersion() -> Int64 {
        deltaVersion += 1
        return deltaVersion
    }
}
