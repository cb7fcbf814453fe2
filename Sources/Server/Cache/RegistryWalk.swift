/// Copies the registry for one generation in slices of at most `sliceRecords` leases per loop turn, so a
/// 100,000-instance snapshot never holds the loop for long (issue 19: one on-loop copy took ~0.25 s). The first
/// turn takes only references (the lease lists and a mark in the recently-changed list); each turn then copies
/// the records of up to `sliceRecords` leases; the last turn re-reads every instance changed since the mark,
/// so the result is the registry of that last turn (see `RegistryCapture`). Loop thread only.
final class RegistryWalk {
    private unowned let registry: InstanceRegistry
    private let sliceRecords: Int
    private let copiesWholeRegistry: Bool
    private let copiesDelta: Bool
    private var leases: [Lease]
    private var deltaLeases: [Lease]
    private var position = 0
    private var deltaPosition = 0
    private let mark: Int
    private var capture = RegistryCapture()
    /// Turns taken and the most records one turn copied: what the bounded-work test and the metrics read.
    private(set) var turns = 0
    private(set) var largestSlice = 0

    /// `wholeRegistry`: copy every lease; `delta`: copy the delta's leases too.
    init(registry: InstanceRegistry, wholeRegistry: Bool, delta: Bool, sliceRecords: Int) {
        self.registry = registry
        self.sliceRecords = max(1, sliceRecords)
        // A delta carries the whole registry's hash code, so it needs the whole walk as well.
        copiesWholeRegistry = wholeRegistry || delta
        copiesDelta = delta
        leases = copiesWholeRegistry ? registry.allLeases() : []
        deltaLeases = delta ? registry.deltaLeases() : []
        mark = registry.changeMark
        capture.records.reserveCapacity(leases.count)
        capture.deltaRecords.reserveCapacity(deltaLeases.count)
    }

    var isDone: Bool { position == leases.count && deltaPosition == deltaLeases.count }

    /// Copies the next slice; true when every lease has been copied (then call `finish` in the same turn).
    func advance() -> Bool {
        turns += 1
        var budget = sliceRecords
        let fullEnd = min(leases.count, position + budget)
        for lease in leases[position..<fullEnd] { capture.records.append(record(of: lease)) }
        budget -= fullEnd - position
        position = fullEnd
        let deltaEnd = min(deltaLeases.count, deltaPosition + budget)
        for lease in deltaLeases[deltaPosition..<deltaEnd] { capture.deltaRecords.append(record(of: lease)) }
        budget -= deltaEnd - deltaPosition
        deltaPosition = deltaEnd
        largestSlice = max(largestSlice, sliceRecords - budget)
        return isDone
    }

    /// The last turn: instances changed since the walk began are read as they are now.
    func finish() -> RegistryCapture {
        precondition(isDone, "finish before the last slice")
        leases = []
        deltaLeases = []
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
