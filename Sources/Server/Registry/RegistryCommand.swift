/// One change to the registry, as a client request or a peer's batch item asks for it (spec 2.1-2.3, 2.9-2.11,
/// 7.5). The direct endpoints and the batch endpoint both build one and hand it to `InstanceRegistry.execute`, so
/// the rules of each operation live once, in the registry; `isReplication` says a peer sent it (never forwarded).
enum RegistryCommand: Sendable {
    /// A record that passed validation (2.1), with its normalised lease duration.
    case register(InstanceInfo, leaseDurationSecs: Int, isReplication: Bool)
    /// `overriddenStatus` is read only for replicated heartbeats whose sender is newer (2.2): pass nil for clients.
    case renew(app: String, id: String, lastDirtyTimestamp: Int64?, overriddenStatus: InstanceStatus?, isReplication: Bool)
    case cancel(app: String, id: String, isReplication: Bool)
    case statusUpdate(app: String, id: String, status: InstanceStatus, lastDirtyTimestamp: Int64?, isReplication: Bool)
    /// `newStatus` is the request's `value`, UNKNOWN when absent (2.10).
    case deleteStatusOverride(app: String, id: String, newStatus: InstanceStatus, lastDirtyTimestamp: Int64?, isReplication: Bool)
    /// Always a client operation: it re-registers as one (4.9) and is replicated as a Register.
    case updateMetadata(app: String, id: String, entries: Metadata)
}

/// The outcome of one command, one case per command kind.
enum CommandOutcome: Sendable, Equatable {
    /// The record is the registry's (`InstanceRegistry.storedInstance` reads it): the outcome carries no copy of it, which
    /// nothing that answers a registration reads (a 204, or a batch item's 200).
    case registered
    case renew(RenewOutcome)
    case cancel(CancelOutcome)
    case statusUpdate(StatusUpdateOutcome)
    case overrideRemoval(OverrideRemovalOutcome)
    case metadata(MetadataOutcome)
    /// A register or metadata update refused by a bound (`RegistryLimits`): nothing changed.
    case rejected(RegistryRejection)
}

extension InstanceRegistry {
    func execute(_ command: RegistryCommand) -> CommandOutcome {
        switch command {
        case .register(let info, let duration, let isReplication):
            var record = info
            return execute(registering: &record, leaseDurationSecs: duration, isReplication: isReplication)
        case .renew(let app, let id, let dirty, let override, let isReplication):
            return .renew(renew(app: app, id: id, lastDirtyTimestamp: dirty, overriddenStatus: override, isReplication: isReplication))
        case .cancel(let app, let id, let isReplication):
            return .cancel(cancel(app: app, id: id, isReplication: isReplication))
        case .statusUpdate(let app, let id, let status, let dirty, let isReplication):
            return .statusUpdate(statusUpdate(app: app, id: id, to: status, lastDirtyTimestamp: dirty, isReplication: isReplication))
        case .deleteStatusOverride(let app, let id, let status, let dirty, let isReplication):
            return .overrideRemoval(deleteStatusOverride(
                app: app, id: id, newStatus: status, lastDirtyTimestamp: dirty, isReplication: isReplication))
        case .updateMetadata(let app, let id, let entries):
            return .metadata(updateMetadata(app: app, id: id, entries: entries))
        }
    }

    /// `.register(info, ...)` with the record moved into its lease when it gets in (`info` is then left a default
    /// record), not copied: the register endpoint's form.
    func execute(registering info: inout InstanceInfo, leaseDurationSecs: Int, isReplication: Bool) -> CommandOutcome {
        if let rejection = admissionRejection(for: info) {
            onRejection?(rejection, info, isReplication)
            return .rejected(rejection)
        }
        register(taking: &info, leaseDurationSecs: leaseDurationSecs, isReplication: isReplication)
        return .registered
    }

    /// Why a registration of `info` must be refused, checked before anything changes: a record over the metadata
    /// bounds, or a new instance while the registry holds `maxInstances` (a re-registration always gets in, so
    /// instances already here keep their leases whatever the count).
    func admissionRejection(for info: InstanceInfo) -> RegistryRejection? {
        let limits = settings.limits
        if let message = limits.metadataViolation(info) { return .recordTooLarge(message) }
        if limits.maxInstances > 0, instanceCount >= limits.maxInstances, apps[info.app]?[info.effectiveId] == nil {
            return .registryFull(limits.fullMessage)
        }
        return nil
    }
}
