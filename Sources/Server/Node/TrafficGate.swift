/// Whether the node serves registry reads and reports itself healthy (spec 5.6): closed while the start-up sync
/// runs; after it, reads stay closed through the empty-sync window when peers were configured but none answered.
final class TrafficGate {
    enum Phase: Equatable {
        /// Copying the peers' registries: cached reads 403, health 503.
        case syncing
        /// No peer answered the sync: cached reads 403 until `until` (epoch ms); healthy (open for traffic).
        case emptySyncWindow(until: Int64)
        case open
    }

    private(set) var phase: Phase
    private let time: TimeSource

    init(syncing: Bool, time: TimeSource) {
        phase = syncing ? .syncing : .open
        self.time = time
    }

    /// Cached reads (2.4-2.6, 2.12, 2.13) are served.
    var readsOpen: Bool {
        switch phase {
        case .open: return true
        case .syncing: return false
        case .emptySyncWindow(let until):
            guard time.nowMillis() >= until else { return false }
            phase = .open
            return true
        }
    }

    /// `/actuator/health` is 200 (UP) once the node opened for traffic, 503 before.
    var isOpenForTraffic: Bool { phase != .syncing }

    func syncFinished(anyPeerAnswered: Bool, emptyWindowMs: Int64) {
        phase = anyPeerAnswered || emptyWindowMs <= 0 ? .open : .emptySyncWindow(until: time.nowMillis() + emptyWindowMs)
    }
}
