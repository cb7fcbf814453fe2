/// `POST /peerreplication/batch` (spec 2.14, 7.5): every item runs as the matching individual request
/// with the replication flag, in order; one result per item; nothing is replicated onwards.
extension EurekaAPI {
    func peerReplicationBatch(_ request: Request) -> Response {
        let errorJSON = RequestBody.errorIsJSON(request)
        let body: [UInt8]
        switch RequestBody.read(request, maxBytes: settings.maxBodyBytes) {
        case .success(let read) where read.format == .json: body = read.bytes
        case .success: return RequestBody.Failure.unsupportedMediaType.response(json: errorJSON)  // batches are JSON only
        case .failure(let failure): return failure.response(json: errorJSON)
        }
        let items: [ReplicationItem]
        do {
            items = try ReplicationListCodec.decode(body, now: time.nowMillis())
        } catch {
            return Self.error(400, "cannot parse request body", json: true)
        }
        let results = items.map(apply)
        return Response(status: 200, contentType: .json, body: .bytes(ReplicationListCodec.encode(results)))
    }

    private func apply(_ item: ReplicationItem) -> ReplicationResult {
        switch item.action {
        case nil:
            return ReplicationResult(statusCode: 500)
        case .register:
            guard let decoded = item.instance else { return ReplicationResult(statusCode: 500) }
            // A validation failure is swallowed: 200 whatever happened (spec 7.5).
            if case .success(let info) = RegistrationValidation.prepare(decoded, pathApp: item.appName) {
                registerValidated(info, isReplication: true)
            }
            return ReplicationResult(statusCode: 200)
        case .heartbeat:
            let override = item.overriddenStatus.flatMap { InstanceStatus(rawValue: $0) }
            let (status, entity) = heartbeat(app: item.appName, id: item.id, isReplication: true,
                                             lastDirtyTimestamp: item.lastDirtyTimestamp, overriddenStatus: override)
            return ReplicationResult(statusCode: status, entity: entity)
        case .cancel:
            return ReplicationResult(statusCode: registry.cancel(app: item.appName, id: item.id, isReplication: true) ? 200 : 404)
        case .statusUpdate:
            guard registry.visibleInstance(app: item.appName, id: item.id) != nil else { return ReplicationResult(statusCode: 404) }
            guard let text = item.status, let status = InstanceStatus(rawValue: text) else { return ReplicationResult(statusCode: 400) }
            let done = registry.statusUpdate(app: item.appName, id: item.id, to: status,
                                             lastDirtyTimestamp: item.lastDirtyTimestamp, isReplication: true)
            return ReplicationResult(statusCode: done ? 200 : 404)
        case .deleteStatusOverride:
            guard registry.visibleInstance(app: item.appName, id: item.id) != nil else { return ReplicationResult(statusCode: 404) }
            var newStatus = InstanceStatus.unknown
            if let text = item.status {
                guard let status = InstanceStatus(rawValue: text) else { return ReplicationResult(statusCode: 400) }
                newStatus = status
            }
            let done = registry.deleteStatusOverride(app: item.appName, id: item.id, newStatus: newStatus,
                                                     lastDirtyTimestamp: item.lastDirtyTimestamp, isReplication: true)
            return ReplicationResult(statusCode: done ? 200 : 404)
        }
    }

    /// The heartbeat rules of spec 2.2, shared by the individual request and the batch item:
    /// renew first, then the dirty-timestamp table. Returns the status code and, for a 409, the stored record.
    /// `overriddenStatus` is read only on the rare path that stores it (a heartbeat parses no more than it needs).
    func heartbeat(app: String, id: String, isReplication: Bool, lastDirtyTimestamp: Int64?,
                   overriddenStatus: @autoclosure () -> InstanceStatus?) -> (Int, InstanceInfo?) {
        guard case .renewed(let stored) = registry.renew(app: app, id: id, isReplication: isReplication) else { return (404, nil) }
        guard settings.syncWhenTimestampDiffers, let sent = lastDirtyTimestamp, sent != stored else { return (200, nil) }
        if sent > stored {
            if isReplication, let overriddenStatus = overriddenStatus(), overriddenStatus != .unknown {
                registry.storeOverriddenStatusIfRequired(app: app, id: id, status: overriddenStatus)
            }
            return (404, nil)
        }
        guard isReplication, let record = registry.storedInstance(app: app, id: id) else { return (200, nil) }
        return (409, record)
    }
}
