/// Copies the registry for one generation in slices of at most `sliceRecords` leases per loop turn, so a
/// 100,000-instance snapshot never holds the loop for long (issue 19: one on-loop copy took ~0.25 s). The first
/// turn takes only the application names and a mark in the recently-changed list; each turn then takes the lease
/// references of the next applications as it reaches them and copies the records of up to `sliceRecords` leases;
/// the last turn re-reads every instance changed since the mark, so the result is the registry of that last turn
/// (see `RegistryCapture`). Taking all 100,000 references in the first turn and dropping them in the last cost
/// 5-9 ms of loop CPU each (a cache miss per lease): now a turn takes and drops at most one application's
/// references beyond its slice. Loop thread only.
final class RegistryWalk {
    private unowned let registry: InstanceRegistry
    private let sliceRecords: Int
    private let copiesWholeRegistry: Bool
    private let copiesDelta: Bool
    /// Applications not reached yet: names only (holding the registry's tables would make its next change copy
    /// them). One that has gone by the time it is reached has no lease to copy: its cancellations are patched.
    private var appsLeft: [String]
    /// The leases of the application being copied, taken when the walk reached it.
    private var appLeases: [Lease] = []
    private var appPosition = 0
    /// The next position of the recently-changed list to copy for the delta; the delta is done at `mark`. After a
    /// mass registration the list holds every instance, so it is copied in slices as well.
    private var deltaPosition: Int
    private let mark: Int
    private var capture = RegistryCapture()
    /// Turns taken, the most records one turn copied, and the most lease references one turn took: what the
    /// bounded-work tests and the metrics read.
    private(set) var turns = 0
    private(set) var largestSlice = 0
    private(set) var largestTake = 0
    private var takenThisTurn = 0

    /// `wholeRegistry`: copy every lease; `delta`: copy the delta's leases too.
    init(registry: InstanceRegistry, wholeRegistry: Bool, delta: Bool, sliceRecords: Int) {
        self.registry = registry
        self.sliceRecords = max(1, sliceRecords)
        // A delta carries the whole registry's hash code, so it needs the whole walk as well.
        copiesWholeRegistry = wholeRegistry || delta
        copiesDelta = delta
        appsLeft = copiesWholeRegistry ? registry.applicationNames() : []
        mark = registry.changeMark
        deltaPosition = delta ? registry.changeStart : mark
        // Room for what registers during the walk: growing a 100,000-record array on the loop copies it.
        if copiesWholeRegistry { capture.records.reserveCapacity(registry.instanceCount + registry.instanceCount / 8 + 64) }
        capture.deltaRecords.reserveCapacity(mark - deltaPosition)
    }

    var isDone: Bool {
        appsLeft.isEmpty && appPosition == appLeases.count && deltaPosition >= mark
    }

    /// Lease references the walk holds now (the current application's).
    var heldReferences: Int { appLeases.count }

    /// Copies the next slice; true when every lease has been copied (then call `finish` in the same turn).
    func advance() -> Bool {
        turns += 1
        var budget = sliceRecords
        while budget > 0 {
            if appPosition == appLeases.count {
                guard let app = appsLeft.popLast() else { break }
                appLeases = registry.leases(ofApplication: app)
                appPosition = 0
                takenThisTurn += appLeases.count
                continue
            }
            let end = min(appLeases.count, appPosition + budget)
            for lease in appLeases[appPosition..<end] { capture.records.append(record(of: lease)) }
            budget -= end - appPosition
            appPosition = end
        }
        if appPosition == appLeases.count {
            appLeases = []
            appPosition = 0
        }
        if budget > 0, deltaPosition < mark {
            // Positions, not leases, count against the budget: superseded entries cost a look each.
            let deltaEnd = min(mark, deltaPosition + budget)
            let leases = registry.deltaLeases(from: deltaPosition, upTo: deltaEnd)
            takenThisTurn += leases.count
            for lease in leases { capture.deltaRecords.append(record(of: lease)) }
            budget -= deltaEnd - deltaPosition
            deltaPosition = deltaEnd
        }
        largestSlice = max(largestSlice, sliceRecords - budget)
        largestTake = max(largestTake, takenThisTurn)
        takenThisTurn = 0
        return isDone
    }

    /// The last turn: instances changed since the walk began are read as they are now.
    func finish() -> RegistryCapture {
        precondition(isDone, "finish before the last slice")
        if turns > 1 {
            for lease in registry.leasesChanged(since: mark) {
                let key = RegistryCapture.RecordKey(app: lease.instance.app, id: lease.id)
                if copiesWholeRegistry {
                    capture.patches[key] = .some(registry.lease(app: key.app, id: key.id).map(registry.decorated))
                }
                if copiesDelta { capture.deltaPatches[key] = registry.decorated(lease) }
            }
        }
        if copiesDelta { capture.deltaVersion = registry.nextDeltaVersion() }
        // Moved out, not shared: the order holding it is freed on the pool, and the walk must not keep it alive.
        defer { capture = RegistryCapture() }
        return capture
    }

    private func record(of lease: Lease) -> RegistryCapture.Record {
        RegistryCapture.Record(app: lease.instance.app, id: lease.id, info: registry.decorated(lease))
    }
}
