/// Where a lease enters and leaves the registry's maps: `apps` (by app and id Strings) and `leaseIndex` (by their
/// bytes) change together here and nowhere else, so the index holds exactly the leases of `apps`.
extension InstanceRegistry {
    /// Stores `lease` under `app` and `id`, replacing the lease held there.
    func store(_ lease: Lease, app: String, id: String) {
        let replaced = apps[app, default: [:]].updateValue(lease, forKey: id)
        leaseIndex.insert(lease)  // replaces the entry under the same bytes
        // The replaced lease's bytes may differ from the new one's (String equality is canonical, not bytewise).
        if let replaced, replaced !== lease { leaseIndex.remove(replaced) }
    }

    /// Removes and returns the lease under `app` and `id`; an application exists only while it has a lease (3.8).
    func unstore(app: String, id: String) -> Lease? {
        let lease = apps[app]?.removeValue(forKey: id)
        if let lease { leaseIndex.remove(lease) }
        if apps[app]?.isEmpty == true { apps[app] = nil }
        if apps.isEmpty {
            interner.removeAll()  // nothing left to share with: keep no strings alive for nothing
            leaseIndex.removeAll()  // nor the index's table
        }
        return lease
    }

    /// The lease stored under exactly these app and id bytes (a heartbeat's path segments, taken as sent). Nil does
    /// not prove absence: look it up by Strings then (see `LeaseIndex`).
    func lease(app: UnsafeRawBufferPointer, id: UnsafeRawBufferPointer) -> Lease? {
        leaseIndex.find(app: app, id: id)
    }
}
