@testable import Server

/// A registry on a manual clock and a seeded random source, plus the events it fired.
final class RegistryHarness {
    let clock: ManualTimeSource
    let registry: InstanceRegistry
    var events: [RegistryEvent] = []

    init(seed: UInt64 = 42, configure: (inout RegistrySettings) -> Void = { _ in }) {
        var settings = RegistrySettings()
        configure(&settings)
        clock = ManualTimeSource(now: 1_700_000_000_000)
        registry = InstanceRegistry(settings: settings, time: clock, random: SplitMix64(seed: seed))
        registry.onEvent = { [unowned self] in self.events.append($0) }
        registry.wantsHeartbeatEvents = true
    }

    /// Tests replace `onEvent` with a closure holding a cache, log or replicator that holds the registry in turn;
    /// clearing it here breaks that cycle as EurekaNode.deinit does, so a finished test frees its registry (the
    /// AddressSanitizer run checks for leaks, scripts/sanitize.sh).
    deinit { registry.onEvent = nil }

    var now: Int64 { clock.now }

    func advance(_ millis: Int64) { clock.advance(by: millis) }

    @discardableResult
    func register(_ info: InstanceInfo, duration: Int = 90, replication: Bool = false) -> InstanceInfo {
        registry.decorated(registry.register(info, leaseDurationSecs: duration, isReplication: replication))
    }

    func renew(_ id: String, app: String = "ORDERS", replication: Bool = false) -> RenewOutcome {
        registry.renew(app: app, id: id, isReplication: replication)
    }

    func stored(_ id: String, app: String = "ORDERS") -> InstanceInfo? {
        registry.storedInstance(app: app, id: id)
    }
}

/// A valid, normalised registrant as the API hands it over.
func instance(
    _ id: String, app: String = "ORDERS", status: InstanceStatus = .up, dirty: Int64 = 1_000,
    vip: String? = nil, secureVip: String? = nil
) -> InstanceInfo {
    var info = InstanceInfo()
    info.instanceId = id
    info.hostName = "host-\(id)"
    info.app = app
    info.ipAddr = "10.0.0.1"
    info.status = status
    info.dataCenterInfo = .myOwn
    info.leaseInfo = LeaseInfo()
    info.vipAddress = vip
    info.secureVipAddress = secureVip
    info.lastDirtyTimestamp = dirty
    return info
}
