/// How the outcome of a registry command is answered (spec 2.1-2.3, 2.9-2.11 and the batch items of 7.5): one
/// mapping for the direct endpoints and the batch endpoint, so the two can never drift apart.
struct CommandReply: Equatable {
    var status: Int
    /// The stored record a peer must adopt (a replicated heartbeat answered 409).
    var entity: InstanceInfo? {
        get { if case .record(let record)? = boxedEntity { record } else { nil } }
        set { boxedEntity = newValue.map { .record($0) } }
    }
    /// Boxed, so a reply is a few words: the ~300-byte optional record carried inline cost every heartbeat its
    /// value-witness copies and destroys (~1,500 Ir, bench/RESULTS.md), though only a 409 ever has one.
    private var boxedEntity: BoxedRecord?
    /// The message of a 400, or of a 503 from a full registry; nil for every other status.
    var message: String?

    /// `inBatch`: a batch answers a registration 200, the individual request 204 (7.5).
    init(_ outcome: CommandOutcome, inBatch: Bool = false) {
        switch outcome {
        case .registered: status = inBatch ? 200 : 204
        case .renew(.renewed): status = 200
        case .renew(.unknownInstance), .renew(.senderNewer): status = 404
        case .renew(.registryNewer(let record)): status = 409; entity = record
        case .cancel(.cancelled), .statusUpdate(.updated), .statusUpdate(.unchanged), .overrideRemoval(.removed),
             .overrideRemoval(.noOverride), .metadata(.updated): status = 200
        case .cancel(.unknownInstance), .statusUpdate(.unknownInstance), .overrideRemoval(.unknownInstance),
             .metadata(.unknownInstance): status = 404
        case .metadata(.tooLarge(let text)), .rejected(.recordTooLarge(let text)): status = 400; message = text
        case .rejected(.registryFull(let text)): status = 503; message = text
        }
    }

    init(status: Int, message: String? = nil) {
        self.status = status
        self.message = message
    }
}

/// One record behind a pointer (an indirect case is allocated on the heap): nil costs one word.
private indirect enum BoxedRecord: Equatable {
    case record(InstanceInfo)
}

/// A status change whose parameters did not parse: the command never reaches the registry.
struct InvalidCommand: Error {
    var app: String
    var id: String
    var message: String
}

extension EurekaAPI {
    func execute(_ command: Result<RegistryCommand, InvalidCommand>, inBatch: Bool = false) -> CommandReply {
        switch command {
        case .success(let command):
            return CommandReply(registry.execute(command), inBatch: inBatch)
        case .failure(let invalid):
            // 404 comes first, as in Netflix (2.9, 2.10): an unknown instance with a bad value is 404.
            guard registry.visibleInstance(app: invalid.app, id: invalid.id) != nil else { return CommandReply(status: 404) }
            return CommandReply(status: 400, message: invalid.message)
        }
    }

    /// Builds the status update of 2.9 / the StatusUpdate item of 7.5 from its raw parameters.
    static func statusUpdateCommand(app: String, id: String, value: String?, lastDirtyTimestamp: Int64??,
                                    isReplication: Bool) -> Result<RegistryCommand, InvalidCommand> {
        guard let value, let status = InstanceStatus(rawValue: value) else {
            return .failure(InvalidCommand(app: app, id: id, message: "invalid or missing status value"))
        }
        guard let dirty = lastDirtyTimestamp else {
            return .failure(InvalidCommand(app: app, id: id, message: "invalid lastDirtyTimestamp"))
        }
        return .success(.statusUpdate(app: app, id: id, status: status, lastDirtyTimestamp: dirty, isReplication: isReplication))
    }

    /// Builds the override removal of 2.10 / the DeleteStatusOverride item of 7.5: no value means UNKNOWN.
    static func overrideRemovalCommand(app: String, id: String, value: String?, lastDirtyTimestamp: Int64??,
                                       isReplication: Bool) -> Result<RegistryCommand, InvalidCommand> {
        var newStatus = InstanceStatus.unknown
        if let value {
            guard let status = InstanceStatus(rawValue: value) else {
                return .failure(InvalidCommand(app: app, id: id, message: "invalid status value"))
            }
            newStatus = status
        }
        guard let dirty = lastDirtyTimestamp else {
            return .failure(InvalidCommand(app: app, id: id, message: "invalid lastDirtyTimestamp"))
        }
        return .success(.deleteStatusOverride(app: app, id: id, newStatus: newStatus, lastDirtyTimestamp: dirty,
                                              isReplication: isReplication))
    }
}
