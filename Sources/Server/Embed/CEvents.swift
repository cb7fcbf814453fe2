import CEurekaServer

/// RegistryEvent -> the host's `eureka_event_cb`. Built only when the host sets a callback, so a node without
/// one pays a nil test per change and nothing per heartbeat (renewals are not changes, and only replication
/// asks the registry for heartbeat events).
final class HostEventSink {
    private let callback: eureka_event_cb
    private let userData: UnsafeMutableRawPointer?

    init(callback: @escaping eureka_event_cb, userData: UnsafeMutableRawPointer?) {
        self.callback = callback
        self.userData = userData
    }

    func deliver(_ event: RegistryEvent) {
        guard let (kind, replicated) = Self.classify(event), let record = event.record else { return }
        // One block per event (changes are rare next to renewals); a host call from inside the callback may
        // fire a nested event, which gets its own.
        var scratch = RecordScratch()
        _ = scratch.withRecord(record) { record in
            var cEvent = eureka_event(kind: kind, replicated: replicated ? 1 : 0, record: record)
            callback(&cEvent, userData)
        }
    }

    /// The host's kinds: a change it can see. Heartbeats, a status update that changed nothing and an override
    /// removal that found none are not changes; a status the rules corrected on a renewal is.
    static func classify(_ event: RegistryEvent) -> (eureka_event_kind, replicated: Bool)? {
        switch event {
        case .registered(_, let isReplication): (EUREKA_EVENT_REGISTERED, isReplication)
        case .cancelled(_, let isReplication): (EUREKA_EVENT_CANCELLED, isReplication)
        case .evicted: (EUREKA_EVENT_EXPIRED, false)
        case .statusUpdated(_, let changed, let isReplication): changed ? (EUREKA_EVENT_STATUS_CHANGED, isReplication) : nil
        case .statusOverrideDeleted(_, let removed, let isReplication): removed ? (EUREKA_EVENT_STATUS_CHANGED, isReplication) : nil
        case .statusCorrected: (EUREKA_EVENT_STATUS_CHANGED, false)
        case .heartbeat: nil
        }
    }
}
