/// The snapshots streams start with (docs/change-stream.md): the filtered full registry as of one sequence. The
/// registry is copied in bounded slices over several loop turns (RegistryWalk, as the response cache does), every
/// stream waiting meanwhile shares that one copy, and the documents are filtered and encoded on the pool, once per
/// distinct filter: 10,000 streams arriving together cost one walk and one encoding each of their filters.
/// Loop thread only.
final class StreamSnapshots {
    private unowned let registry: InstanceRegistry
    private let runner: OffLoopRunner
    private let sliceRecords: Int
    private var walk: RegistryWalk?
    private var waiting: [StreamSubscriber] = []
    /// The copy was taken at `sequence` for these subscribers (they now queue later events).
    var onCopied: (_ sequence: UInt64, _ subscribers: [StreamSubscriber]) -> Void = { _, _ in }
    /// A document is ready for these subscribers (those still open).
    var onEncoded: (_ sequence: UInt64, _ document: SharedBytes, _ subscribers: [StreamSubscriber]) -> Void = { _, _, _ in }
    private var stopped = false

    init(registry: InstanceRegistry, runner: OffLoopRunner, sliceRecords: Int) {
        self.registry = registry
        self.runner = runner
        self.sliceRecords = sliceRecords
    }

    /// Joins the copy under way (its result is the registry of its last turn, which comes after this call) or
    /// starts one.
    func request(for subscriber: StreamSubscriber) {
        waiting.append(subscriber)
        guard walk == nil, !stopped else { return }
        let walk = RegistryWalk(registry: registry, wholeRegistry: true, delta: false, sliceRecords: sliceRecords)
        self.walk = walk
        step(walk)
    }

    func stop() {
        stopped = true
        waiting = []
    }

    /// One slice; the pool round trip between slices gives the loop a turn.
    private func step(_ walk: RegistryWalk) {
        guard !stopped else { return }
        guard walk.advance() else {
            runner.run({ () }, then: { [weak self] in self?.step(walk) })
            return
        }
        // Straight into the hand-off, no local copy: the copy of a large registry must be freed on the pool, which a
        // reference left on the loop (released after the pool job) would defeat.
        let handOff = HandOff(walk.finish())
        let sequence = registry.latestChangeSequence
        let subscribers = waiting
        waiting = []
        self.walk = nil
        onCopied(sequence, subscribers)
        let groups = Dictionary(grouping: subscribers, by: \.filter)
        let filters = Array(groups.keys)
        runner.run({
            PoolPriority.inBackground(idle: false) {  // its subscribers wait for it
                guard let capture = handOff.take() else { return [SharedBytes]() }
                return filters.map { SharedBytes(adopting: Self.document(capture, $0)) }
            }
        }, then: { [weak self] documents in
            guard let self, !self.stopped else { return }
            for (filter, document) in zip(filters, documents) { onEncoded(sequence, document, groups[filter] ?? []) }
        })
    }

    /// The filtered registry in the JSON form of spec 2.4; the hash code is that of what the document lists.
    static func document(_ capture: RegistryCapture, _ filter: StreamFilter) -> [UInt8] {
        let records = filter.passesEverything ? capture.currentRecords() : capture.currentRecords().filter { filter.passes($0.info) }
        let hash = Applications.reconcileHashCode(statuses: records.lazy.map(\.info.status))
        let apps = Applications(versionsDelta: 1, appsHashCode: hash, applications: RegistryCapture.ordered(records))
        return ApplicationsCodec.encode(apps, format: .json, representation: .full)
    }
}
