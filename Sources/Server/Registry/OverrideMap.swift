/// Instance id -> overridden status (spec 4.1). Keyed by id only, as Netflix's map is. Netflix keeps it in a
/// Guava cache that drops an entry one hour after its last access; every renew of an UP instance reads its
/// entry, so an override on a live instance never expires, while one left behind by a vanished instance does.
/// Expiry is checked on access (plus `removeExpired` from a timer), with time passed in, never read here.
struct OverrideMap {
    static let expireAfterAccessMs: Int64 = 3_600_000

    private struct Entry {
        var status: InstanceStatus
        var lastAccess: Int64
    }

    private var entries: [String: Entry] = [:]

    /// Read and touch: a hit restarts the entry's hour.
    /// One hash of `id` per call: renew reads this for every UP instance.
    mutating func status(for id: String, now: Int64) -> InstanceStatus? {
        guard !entries.isEmpty else { return nil }  // usually no override at all: skip hashing the id
        guard let index = entries.index(forKey: id) else { return nil }
        if isExpired(entries.values[index], now: now) {
            entries.remove(at: index)
            return nil
        }
        entries.values[index].lastAccess = now
        return entries.values[index].status
    }

    /// Read without touching, for listings and replication items that only report the map.
    func peek(_ id: String, now: Int64) -> InstanceStatus? {
        guard !entries.isEmpty else { return nil }
        guard let entry = entries[id], !isExpired(entry, now: now) else { return nil }
        return entry.status
    }

    mutating func set(_ status: InstanceStatus, for id: String, now: Int64) {
        entries[id] = Entry(status: status, lastAccess: now)
    }

    /// The removed live entry; an expired one counts as absent, as in Guava.
    @discardableResult
    mutating func remove(_ id: String, now: Int64) -> InstanceStatus? {
        guard let entry = entries.removeValue(forKey: id), !isExpired(entry, now: now) else { return nil }
        return entry.status
    }

    mutating func removeExpired(now: Int64) {
        guard entries.values.contains(where: { isExpired($0, now: now) }) else { return }  // no rebuild when idle
        entries = entries.filter { !isExpired($0.value, now: now) }
    }

    /// Live entries sorted by id, for `/serverinfo/statusoverrides` (2.16).
    func snapshot(now: Int64) -> [(id: String, status: InstanceStatus)] {
        entries.filter { !isExpired($0.value, now: now) }
            .map { (id: $0.key, status: $0.value.status) }
            .sorted { $0.id < $1.id }
    }

    /// Guava expires an entry when `now - lastAccess >= expireAfterAccess`.
    private func isExpired(_ entry: Entry, now: Int64) -> Bool {
        now - entry.lastAccess >= Self.expireAfterAccessMs
    }
}
