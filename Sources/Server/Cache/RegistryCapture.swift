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

    /// The registry as of the last turn, as one array (the streams filter it): a copy only when patched.
    func currentRecords() -> [Record] {
        if patches.isEmpty { return records }
        let current = current()
        return current.positions.map { current[$0] }
    }

    /// The registry as of the last turn: the captured records a patch does not replace, then the patched ones.
    func current() -> CurrentRecords {
        CurrentRecords(captured: records, patched: patches)
    }

    func currentDelta() -> CurrentRecords {
        CurrentRecords(captured: deltaRecords, patched: deltaPatches.mapValues { Optional($0) })
    }

    /// Applications by name, instances by id, both in UTF-8 byte order, each record copied once (see
    /// `CurrentRecords.ordered`).
    static func ordered(_ records: [Record]) -> [Application] {
        CurrentRecords(captured: records, patched: [:]).ordered()
    }

    /// The documents of `entities` (registry-wide ones only), built off the loop: the same bytes the registry's
    /// own reads (`fullApplications`, `deltaApplications`) give for that state.
    func documents(for entities: [CacheEntity]) -> [CacheEntity: CacheDocument] {
        let all = current()
        let fullHash = Applications.reconcileHashCode(statuses: all.positions.lazy.map { all[$0].info.status })
        var result: [CacheEntity: CacheDocument] = [:]
        for entity in entities {
            switch entity {
            case .allApps:
                result[entity] = .applications(Applications(versionsDelta: 1, appsHashCode: fullHash,
                                                            applications: all.ordered()))
            case .delta:
                result[entity] = .applications(Applications(versionsDelta: deltaVersion, appsHashCode: fullHash,
                                                            applications: currentDelta().ordered()))
            case .app, .vip, .svip:
                continue
            }
        }
        return result
    }
}

extension RegistryCapture {
    /// A document's records without a copy of them: positions into the captured records (those no patch
    /// replaces) and past them into the patched ones. Issue 19: grouping, sorting and mapping copies of the
    /// records made three copies of each (at 10,000 instances an application's array is under the mmap
    /// threshold, so all three stayed in the pool thread's heap until a trim: a build's peak was 1.66x its
    /// result); now the records are copied once, into the document's applications.
    struct CurrentRecords {
        let captured: [Record]
        let extra: [Record]
        /// Every current record's position, in capture order then patch order.
        let positions: [Int]

        init(captured: [Record], patched: [RecordKey: InstanceInfo?]) {
            self.captured = captured
            var extra: [Record] = []
            for (key, info) in patched {
                if let info { extra.append(Record(app: key.app, id: key.id, info: info)) }
            }
            self.extra = extra
            var positions: [Int] = []
            positions.reserveCapacity(captured.count + extra.count)
            if patched.isEmpty {
                positions.append(contentsOf: captured.indices)
            } else {
                for (index, record) in captured.enumerated()
                where patched[RecordKey(app: record.app, id: record.id)] == nil {
                    positions.append(index)
                }
            }
            positions.append(contentsOf: captured.count..<(captured.count + extra.count))
            self.positions = positions
        }

        subscript(position: Int) -> Record {
            position < captured.count ? captured[position] : extra[position - captured.count]
        }

        /// Applications by name, instances by id, both in UTF-8 byte order (as the registry's reads order them).
        /// Only positions are grouped and sorted; each record's InstanceInfo is copied once, into its application.
        func ordered() -> [Application] {
            var byApp: [String: [Int]] = [:]
            // The walk copies an application's leases together: one dictionary look per run, not per record.
            var runApp: String?
            var run: [Int] = []
            for position in positions {
                let app = self[position].app
                if app != runApp {
                    if let runApp { byApp[runApp, default: []].append(contentsOf: run) }
                    runApp = app
                    run.removeAll(keepingCapacity: true)
                }
                run.append(position)
            }
            if let runApp { byApp[runApp, default: []].append(contentsOf: run) }
            return byApp.keys.sorted(by: bytewiseLess).map { name in
                var members = byApp[name]!
                members.sort { bytewiseLess(self[$0].id, self[$1].id) }
                return Application(name: name, instances: members.map { self[$0].info })
            }
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
