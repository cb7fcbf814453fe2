/// Per-application counts of leases by status, kept current by every change of a stored status (register,
/// renew correction, status update, override removal, cancel and eviction), so the dashboard shows counts without
/// walking the leases: at 100,000 instances that walk is a cache miss per lease, tens of ms on the loop.
struct StatusTally {
    /// Indexed like `InstanceStatus.allCases`.
    private(set) var countsByApp: [String: [Int]] = [:]
    /// The application names sorted, rebuilt only after an application appeared or disappeared.
    private var sortedNamesCache: [String]?

    static func index(_ status: InstanceStatus) -> Int {
        switch status {
        case .up: 0
        case .down: 1
        case .starting: 2
        case .outOfService: 3
        case .unknown: 4
        }
    }

    mutating func add(_ app: String, _ status: InstanceStatus) {
        if countsByApp[app] == nil {
            countsByApp[app] = [Int](repeating: 0, count: InstanceStatus.allCases.count)
            sortedNamesCache = nil
        }
        countsByApp[app]![Self.index(status)] += 1
    }

    mutating func remove(_ app: String, _ status: InstanceStatus) {
        // In place, one lookup: copying the counts out and back allocated a copy on every re-registration.
        guard let index = countsByApp.index(forKey: app) else { return }
        countsByApp.values[index][Self.index(status)] -= 1
        if countsByApp.values[index].allSatisfy({ $0 <= 0 }) {
            countsByApp.remove(at: index)
            sortedNamesCache = nil
        }
    }

    mutating func move(_ app: String, from old: InstanceStatus, to new: InstanceStatus) {
        guard old != new, countsByApp[app] != nil else { return }
        countsByApp[app]![Self.index(old)] -= 1
        countsByApp[app]![Self.index(new)] += 1
    }

    mutating func sortedNames() -> [String] {
        if let sortedNamesCache { return sortedNamesCache }
        let names = countsByApp.keys.sorted()
        sortedNamesCache = names
        return names
    }
}

/// The leases found expired but not evicted by the last eviction run (5.1): while self-preservation holds, every
/// expired lease; otherwise those beyond the run's limit. Refreshed by that run, which walks the leases anyway.
struct ExpiredKeptReport {
    struct Entry {
        let app: String
        let id: String
        /// When the lease expired (4.2's arithmetic), epoch ms.
        let dueAt: Int64
    }

    static let listed = 100

    /// When the eviction run took it; nil before the first run.
    var takenAt: Int64?
    var count = 0
    /// The first `listed` of them, in (application, id) order.
    var first: [Entry] = []
}
