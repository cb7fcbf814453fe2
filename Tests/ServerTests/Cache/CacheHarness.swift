@testable import Server

/// Holds off-loop jobs until the test lets them finish: "a generation in flight" without threads or sleeps.
final class ManualRunner: OffLoopRunner {
    private var jobs: [() -> Void] = []
    /// The label of each queued job, in order.
    private(set) var labels: [String] = []
    var queued: Int { jobs.count }

    func run<Output: Sendable>(_ work: @escaping @Sendable () -> Output, label: String, then completion: @escaping (Output) -> Void) {
        jobs.append { completion(work()) }
        labels.append(label)
    }

    /// Finishes the oldest queued job only: one loop turn's worth of a sliced snapshot.
    func finishOne() {
        if !jobs.isEmpty {
            labels.removeFirst()
            jobs.removeFirst()()
        }
    }

    /// Finishes every queued job, including ones their completions queue.
    func finishAll() {
        while !jobs.isEmpty { finishOne() }
    }

    /// Finishes the jobs queued now, as libuv's one pass over the finished pool jobs does in a loop iteration; those
    /// their completions queue wait for the next call. Returns the labels finished.
    @discardableResult
    func finishIteration() -> [String] {
        let batch = labels
        for _ in batch { finishOne() }
        return batch
    }
}

/// A registry on a manual clock wired to a cache as EurekaNode wires them (events invalidate).
final class CacheHarness {
    let registry: RegistryHarness
    let runner = ManualRunner()
    let cache: ResponseCache
    var propagationRequests = 0

    init(readOnly: Bool = true, immediate: Bool = false, offLoopThreshold: Int = 0,
         sliceRecords: Int = ResponseCache.Settings.defaultSnapshotSliceRecords) {
        registry = RegistryHarness()
        var settings = ResponseCache.Settings()
        settings.useReadOnlyLevel = readOnly
        settings.immediatePropagation = immediate
        settings.offLoopThreshold = offLoopThreshold
        settings.snapshotSliceRecords = sliceRecords
        let reg = registry.registry
        cache = ResponseCache(settings: settings, time: registry.clock, runner: runner, registry: reg)
        reg.onEvent = { [cache] event in cache.invalidate(after: event) }
        cache.schedulePropagation = { [unowned self] in propagationRequests += 1 }
    }

    /// Reads `key`; a pending value is waited for by letting the runner finish.
    func value(_ key: CacheKey) -> Payload {
        switch cache.read(key) {
        case .ready(let payload): return payload
        case .pending(let build):
            var got: Payload?
            build.whenReady(key) { got = $0 }
            runner.finishAll()
            return got!
        }
    }

    func text(_ key: CacheKey) -> String? { value(key).body.map { String(decoding: $0.bytes, as: UTF8.self) } }
}

let allAppsJSON = CacheKey(.allApps, .json, .full)

func fresh(_ key: CacheKey, _ registry: InstanceRegistry) -> [UInt8]? {
    CacheDocument.snapshot(of: key.entity, in: registry).encode(key.format, key.representation)?.bytes
}
