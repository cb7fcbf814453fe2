/// Register, renew, cancel, status override, metadata and the single-instance reads (spec 2.1-2.3, 2.7-2.11).
extension EurekaAPI {
    func register(app: String, _ request: Request) -> Response {
        let body: (bytes: [UInt8], format: WireFormat)
        switch RequestBody.read(request, maxBytes: settings.maxBodyBytes) {
        case .success(let read): body = read
        case .failure(let failure): return failure.response(json: RequestBody.errorIsJSON(request))  // only errors read it
        }
        var decoded: DecodedInstance
        do {
            decoded = try InstanceCodec.decode(body.bytes, format: body.format, now: time.nowMillis(),
                                               maxValues: registry.settings.limits.registrationValueBudget,
                                               reuse: metadataReuse)
        } catch .tooManyValues(let limit) {
            let message = "request body has more than \(limit) values (metadata is limited to \(registry.settings.limits.maxMetadataEntries) entries)"
            return Self.error(400, message, json: body.format == .json)
        } catch {
            return Self.error(400, "cannot parse request body", json: body.format == .json)
        }
        // Validated and registered in place: the decoded record is the one the lease stores, never copied.
        if let failure = RegistrationValidation.prepare(&decoded.info, dataCenterInfoMissingName: decoded.dataCenterInfoMissingName,
                                                        pathApp: app) {
            return Self.error(400, failure.message, json: body.format == .json)
        }
        let duration = decoded.info.leaseInfo?.durationInSecs ?? 90  // normalised by the validation (> 0)
        let outcome = registry.execute(registering: &decoded.info, leaseDurationSecs: duration,
                                       isReplication: Negotiation.isReplication(request))
        return reply(CommandReply(outcome), request)
    }

    /// Register (spec 4.4) with the lease duration the validation already normalised (> 0, default 90).
    static func registerCommand(_ info: InstanceInfo, isReplication: Bool) -> RegistryCommand {
        .register(info, leaseDurationSecs: info.leaseInfo?.durationInSecs ?? 90, isReplication: isReplication)
    }

    /// The heartbeat (spec 2.2): the registry renews and applies the dirty-timestamp table.
    func renew(app: String, id: String, _ request: Request, _ query: Query) -> Response {
        let isReplication = Negotiation.isReplication(request)
        // The registry's renew called directly, its outcome answered through the one CommandReply mapping: the
        // same as execute(.renew), without wrapping and unwrapping the command and outcome enums on the hot path.
        let outcome = registry.renew(app: app, id: id, lastDirtyTimestamp: query.int64("lastDirtyTimestamp"),
                                     overriddenStatus: Self.heartbeatOverride(query, isReplication),
                                     isReplication: isReplication)
        return reply(CommandReply(.renew(outcome)), request)
    }

    /// The heartbeat of a `PUT` whose path names an app and id as sent (`Router.plainInstancePath`) and whose lease
    /// the registry finds by those bytes; nil otherwise (the caller routes it as usual, which answers the same).
    func renewByPath(_ path: ArraySlice<UInt8>, _ request: Request, _ query: Query) -> Response? {
        guard let (app, id) = router.plainInstancePath(path) else { return nil }
        let found = path.withUnsafeBytes { raw in
            let base = path.startIndex
            return registry.lease(app: UnsafeRawBufferPointer(rebasing: raw[(app.lowerBound - base)..<(app.upperBound - base)]),
                                  id: UnsafeRawBufferPointer(rebasing: raw[(id.lowerBound - base)..<(id.upperBound - base)]))
        }
        guard let lease = found else { return nil }
        let isReplication = Negotiation.isReplication(request)
        let outcome = registry.renew(lease, lastDirtyTimestamp: query.int64("lastDirtyTimestamp"),
                                     overriddenStatus: Self.heartbeatOverride(query, isReplication),
                                     isReplication: isReplication)
        return reply(CommandReply(.renew(outcome)), request)
    }

    /// An empty or non-numeric lastDirtyTimestamp is treated as absent (OUR choice, spec 2.2). A client's
    /// overriddenstatus is never used, so a client heartbeat does not parse it.
    private static func heartbeatOverride(_ query: Query, _ isReplication: Bool) -> InstanceStatus? {
        isReplication ? query.value("overriddenstatus").flatMap { InstanceStatus(rawValue: $0) } : nil
    }

    func cancel(app: String, id: String, _ request: Request) -> Response {
        reply(execute(.success(.cancel(app: app, id: id, isReplication: Negotiation.isReplication(request)))), request)
    }

    func instance(_ record: InstanceInfo?, _ request: Request) -> Response {
        guard let record else { return .empty(404) }
        let json = Negotiation.prefersJSON(request)
        return Response(status: 200, contentType: json ? .json : .xml,
                        body: .bytes(InstanceCodec.encode(record, format: json ? .json : .xml)))
    }

    /// `PUT .../status?value=` (spec 2.9): 404 first, then 400 for a bad value, before anything changes.
    func statusUpdate(app: String, id: String, _ request: Request, _ query: Query) -> Response {
        reply(execute(Self.statusUpdateCommand(app: app, id: id, value: query.value("value"),
                                               lastDirtyTimestamp: lastDirtyTimestamp(query),
                                               isReplication: Negotiation.isReplication(request))), request)
    }

    /// `DELETE .../status[?value=]` (spec 2.10): without `value` the status becomes UNKNOWN.
    func deleteStatusOverride(app: String, id: String, _ request: Request, _ query: Query) -> Response {
        reply(execute(Self.overrideRemovalCommand(app: app, id: id, value: query.value("value"),
                                                  lastDirtyTimestamp: lastDirtyTimestamp(query),
                                                  isReplication: Negotiation.isReplication(request))), request)
    }

    /// `PUT .../metadata?k=v` (spec 2.11): merge, then re-register as a client registration.
    func updateMetadata(app: String, id: String, _ request: Request, _ query: Query) -> Response {
        var entries = Metadata()
        for (key, value) in query.allPairs { entries[key] = value }
        return reply(execute(.success(.updateMetadata(app: app, id: id, entries: entries))), request)
    }

    /// A command's reply as an individual response: empty, a 400 with its message, or a 409 with the record.
    private func reply(_ reply: CommandReply, _ request: Request) -> Response {
        // The common answers (a heartbeat's 200, a registration's 204) have no body: Accept is read only for one.
        if let message = reply.message { return Self.error(reply.status, message, json: Negotiation.prefersJSON(request)) }
        guard let record = reply.entity else { return .empty(reply.status) }
        let json = Negotiation.prefersJSON(request)
        return Response(status: reply.status, contentType: json ? .json : .xml,
                        body: .bytes(InstanceCodec.encode(record, format: json ? .json : .xml)))
    }

    /// Absent -> .some(nil); present and numeric -> .some(value); present and not numeric -> nil (a 400).
    private func lastDirtyTimestamp(_ query: Query) -> Int64?? {
        guard query.contains("lastDirtyTimestamp") else { return .some(nil) }
        return query.int64("lastDirtyTimestamp").map { .some($0) }
    }
}
