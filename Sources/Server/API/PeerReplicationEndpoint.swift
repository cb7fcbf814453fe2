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
        countReceived(items: items.count)
        let results = items.map { item -> ReplicationResult in
            let reply = apply(item)
            return ReplicationResult(statusCode: reply.status, entity: reply.entity)
        }
        return Response(status: 200, contentType: .json,
                        body: .bytes(ReplicationListCodec.encode(results, entityBudget: Self.batchReplyEntityBudget)))
    }

    /// Bytes of a batch reply after which 409 results carry no record (issue #18, no amplification): a real batch
    /// (250 items, a record of 1-2 KB per 409) stays below it.
    static let batchReplyEntityBudget = 524_288

    private func apply(_ item: ReplicationItem) -> CommandReply {
        let (app, id) = (item.appName, item.id)
        switch item.action {
        case nil:
            return CommandReply(status: 500)
        case .register:
            guard let decoded = item.instance else { return CommandReply(status: 500) }
            // A validation failure is swallowed: 200 whatever happened (spec 7.5).
            guard case .success(let info) = RegistrationValidation.prepare(decoded, pathApp: app) else { return CommandReply(status: 200) }
            return execute(.success(Self.registerCommand(info, isReplication: true)), inBatch: true)
        case .heartbeat:
            return execute(.success(.renew(app: app, id: id, lastDirtyTimestamp: item.lastDirtyTimestamp,
                                           overriddenStatus: item.overriddenStatus.flatMap { InstanceStatus(rawValue: $0) },
                                           isReplication: true)))
        case .cancel:
            return execute(.success(.cancel(app: app, id: id, isReplication: true)))
        case .statusUpdate:
            return execute(Self.statusUpdateCommand(app: app, id: id, value: item.status,
                                                    lastDirtyTimestamp: .some(item.lastDirtyTimestamp), isReplication: true))
        case .deleteStatusOverride:
            return execute(Self.overrideRemovalCommand(app: app, id: id, value: item.status,
                                                       lastDirtyTimestamp: .some(item.lastDirtyTimestamp), isReplication: true))
        }
    }
}
