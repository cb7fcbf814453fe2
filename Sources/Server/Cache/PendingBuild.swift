/// One generation in flight, as the loop sees it: the readers waiting for its keys, and the keys an
/// invalidation made stale meanwhile (their values still go to the readers that were already waiting and
/// to the read-only level, but never into the read-write level: spec 6.7.2). Loop thread only.
final class PendingBuild {
    let sequence: UInt64
    /// A refresh (tick or immediate propagation) replaces read-only values; a read fills only missing ones.
    let isRefresh: Bool
    var stale: Set<CacheKey> = []
    private(set) var results: [CacheKey: Payload]?
    private var waiting: [CacheKey: [(Payload) -> Void]] = [:]

    init(sequence: UInt64, isRefresh: Bool) {
        self.sequence = sequence
        self.isRefresh = isRefresh
    }

    /// Calls `deliver` on the loop thread with the complete value of `key` (spec 6.7.1).
    func whenReady(_ key: CacheKey, _ deliver: @escaping (Payload) -> Void) {
        if let value = results?[key] { return deliver(value) }
        waiting[key, default: []].append(deliver)
    }

    func finish(_ payloads: [CacheKey: Payload]) {
        results = payloads
        let waiters = waiting
        waiting = [:]
        for (key, delivers) in waiters {
            guard let value = payloads[key] else { continue }
            delivers.forEach { $0(value) }
        }
    }
}
