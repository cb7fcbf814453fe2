/// The registry-wide documents of one generation (full registry, delta, VIP answers) as copied on the loop by
/// `RegistryWalk`: immutable values, so sorting, filtering and encoding run on a pool thread.
///
/// The copy is taken over several loop turns; `patches` repairs it to the state of the last turn: every instance
/// changed meanwhile is read again at that turn (nil: it has no lease any more). Renewal timestamps may differ by
/// the length of the walk between records, which no document promises to be simultaneous; statuses, and so the
/// hash code, are exactly those of the last turn.
struct RegistryCapture: Sendable {
    struct Record: Sendable {
        let app: String
        let id: String
        let info: InstanceInfo
    }

    struct RecordKey: Hashable, Sendable {
        let app: String
        let id: String
    }

    /// Every lease as some turn of the walk saw it (empty when no registry-wide entity was asked for).
    var records: [Record] = []
    /// Instances changed during the walk, as the last turn saw them.
    var patches: [RecordKey: InstanceInfo?] = [:]
    /// The delta's records, repaired the same way (a delta lists cancelled leases too, so nothing is removed).
    var deltaRecords: [Record] = []
    var deltaPatches: [RecordKey: InstanceInfo] = [:]
    /// Taken at the last turn when a delta was asked for.
    var deltaVersion: Int64 = 0

    /// The registry as of the last turn, app -> records.
    func currentRecords() -> [Record] {
        if patches.isEmpty { return records }
        var merged = records.filter { patches[RecordKey(app: $0.app, id: $0.id)] == nil }
        for (key, info) in patches {
            if let info { merged.append(Record(app: key.app, id: key.id, info: info)) }
        }
        return merged
    }

    func currentDeltaRecords() -> [Record] {
        if deltaPatches.isEmpty { return deltaRecords }
        var merged = deltaRecords.filter { deltaPatches[RecordKey(app: $0.app, id: $0.id)] == nil }
        for (key, info) in deltaPatches { merged.append(Record(app: key.app, id: key.id, info: info)) }
        return merged
    }

    /// The documents of `entities` (registry-wide ones only), built off the loop: the same bytes the registry's
    /// own reads (`fullApplications`, `deltaApplications`) give for that state.
    func documents(for entities: [CacheEntity]) -> [CacheEntity: CacheDocument] {
        let all = currentRecords()
        let fullHash = Applications.reconcileHashCode(statuses: all.lazy.map(\.info.status))
        var result: [CacheEntity: CacheDocument] = [:]
        for entity in entities {
            switch entity {
            case .allApps:
                result[entity] = .applications(Applications(versionsDelta: 1, appsHashCode: fullHash,
                                                            applications: Self.ordered(all)))
            case .delta:
                result[entity] = .applications(Applications(versionsDelta: deltaVersion, appsHashCode: fullHash,
                                                            applications: Self.ordered(currentDeltaRecords())))
            case .app, .vip, .svip:
                continue
            }
        }
        return result
    }

    /// Applications by name, instances by id, both in UTF-8 byte order (as the registry's reads order them).
    static func ordered(_ records: [Record]) -> [Application] {
        let byApp = Dictionary(grouping: records, by: \.app)
        return byApp.keys.sorted(by: bytewiseLess).map { name in
            let instances = byApp[name]!.sorted { bytewiseLess($0.id, $1.id) }.map(\.info)
            return Application(name: name, instances: instances)
        }
    }
}

extension CacheEntity {
    /// Entities whose document reads every lease: their snapshot is taken by a `RegistryWalk` in bounded slices.
    /// VIP documents are not among them: the registry's VIP index names their members, so a snapshot of one costs
    /// its members, not the registry (3,000 distinct VIP names must not mean 3,000 walks).
    var readsWholeRegistry: Bool {
        switch self {
        case .allApps, .delta: true
        case .app, .vip, .svip: false
        }
    }
}
