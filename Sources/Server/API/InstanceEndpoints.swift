/// Register, renew, cancel, status override, metadata and the single-instance reads (spec 2.1-2.3, 2.7-2.11).
extension EurekaAPI {
    func register(app: String, _ request: Request) -> Response {
        let errorJSON = RequestBody.errorIsJSON(request)
        let body: (bytes: [UInt8], format: WireFormat)
        switch RequestBody.read(request, maxBytes: settings.maxBodyBytes) {
        case .success(let read): body = read
        case .failure(let failure): return failure.response(json: errorJSON)
        }
        let decoded: DecodedInstance
        do {
            decoded = try InstanceCodec.decode(body.bytes, format: body.format, now: time.nowMillis())
        } catch {
            return Self.error(400, "cannot parse request body", json: body.format == .json)
        }
        switch RegistrationValidation.prepare(decoded, pathApp: app) {
        case .failure(let failure):
            return Self.error(400, failure.message, json: body.format == .json)
        case .success(let info):
            registerValidated(info, isReplication: Negotiation.isReplication(request))
            return .empty(204)
        }
    }

    /// Register (spec 4.4) with the lease duration the validation already normalised (> 0, default 90).
    func registerValidated(_ info: InstanceInfo, isReplication: Bool) {
        registry.register(info, leaseDurationSecs: info.leaseInfo?.durationInSecs ?? 90, isReplication: isReplication)
    }

    /// The heartbeat (spec 2.2): renew first, then the dirty-timestamp table.
    func renew(app: String, id: String, _ request: Request, _ query: Query) -> Response {
        // An empty or non-numeric lastDirtyTimestamp is treated as absent (OUR choice, spec 2.2).
        let (status, conflict) = heartbeat(
            app: app, id: id, isReplication: Negotiation.isReplication(request), lastDirtyTimestamp: query.int64("lastDirtyTimestamp"),
            overriddenStatus: query.value("overriddenstatus").flatMap { InstanceStatus(rawValue: $0) })
        guard let conflict else { return .empty(status) }
        let json = Negotiation.prefersJSON(request)
        return Response(status: status, contentType: json ? .json : .xml,
                        body: .bytes(InstanceCodec.encode(conflict, format: json ? .json : .xml)))
    }

    func cancel(app: String, id: String, _ request: Request) -> Response {
        registry.cancel(app: app, id: id, isReplication: Negotiation.isReplication(request)) ? .empty(200) : .empty(404)
    }

    func instance(_ record: InstanceInfo?, _ request: Request) -> Response {
        guard let record else { return .empty(404) }
        let json = Negotiation.prefersJSON(request)
        return Response(status: 200, contentType: json ? .json : .xml,
                        body: .bytes(InstanceCodec.encode(record, format: json ? .json : .xml)))
    }

    /// `PUT .../status?value=` (spec 2.9): 404 first, then 400 for a bad value, before anything changes.
    func statusUpdate(app: String, id: String, _ request: Request, _ query: Query) -> Response {
        guard registry.visibleInstance(app: app, id: id) != nil else { return .empty(404) }
        let json = Negotiation.prefersJSON(request)
        guard let text = query.value("value"), let status = InstanceStatus(rawValue: text) else {
            return Self.error(400, "invalid or missing status value", json: json)
        }
        guard let dirty = lastDirtyTimestamp(query) else { return Self.error(400, "invalid lastDirtyTimestamp", json: json) }
        let done = registry.statusUpdate(app: app, id: id, to: status, lastDirtyTimestamp: dirty.value,
                                         isReplication: Negotiation.isReplication(request))
        return done ? .empty(200) : .empty(404)
    }

    /// `DELETE .../status[?value=]` (spec 2.10): without `value` the status becomes UNKNOWN.
    func deleteStatusOverride(app: String, id: String, _ request: Request, _ query: Query) -> Response {
        guard registry.visibleInstance(app: app, id: id) != nil else { return .empty(404) }
        let json = Negotiation.prefersJSON(request)
        var newStatus = InstanceStatus.unknown
        if let text = query.value("value") {
            guard let status = InstanceStatus(rawValue: text) else { return Self.error(400, "invalid status value", json: json) }
            newStatus = status
        }
        guard let dirty = lastDirtyTimestamp(query) else { return Self.error(400, "invalid lastDirtyTimestamp", json: json) }
        let done = registry.deleteStatusOverride(app: app, id: id, newStatus: newStatus, lastDirtyTimestamp: dirty.value,
                                                 isReplication: Negotiation.isReplication(request))
        return done ? .empty(200) : .empty(404)
    }

    /// `PUT .../metadata?k=v` (spec 2.11): merge, then re-register as a client registration.
    func updateMetadata(app: String, id: String, _ query: Query) -> Response {
        var entries = Metadata()
        for (key, value) in query.allPairs { entries[key] = value }
        return registry.updateMetadata(app: app, id: id, entries: entries) ? .empty(200) : .empty(404)
    }

    /// Absent -> (nil); present and numeric -> (value); present and not numeric -> nil (a 400).
    private func lastDirtyTimestamp(_ query: Query) -> (value: Int64?, Void)? {
        guard query.contains("lastDirtyTimestamp") else { return (nil, ()) }
        guard let value = query.int64("lastDirtyTimestamp") else { return nil }
        return (value, ())
    }
}
