/// The cached reads (spec 2.4-2.6, 2.12, 2.13) and the override map (2.16).
extension EurekaAPI {
    /// A cached read: the value at once, or a `.later` reply completed when its generation finishes off
    /// the loop (spec 6.7.1), so a large registry never stalls heartbeats behind a reader.
    /// `fresh`: skip the read-only level (a long-poll delta must include the change it waited for).
    func cachedReply(_ entity: CacheEntity, _ request: Request, fresh: Bool = false) -> Reply {
        guard readsOpen() else { return .now(.empty(403)) }
        let json = Negotiation.prefersJSON(request)
        let gzip = Negotiation.acceptsGzip(request)
        let key = CacheKey(entity, json ? .json : .xml, Negotiation.wantsCompact(request) ? .compact : .full)
        // With the change stream on, a delta says which change it includes (docs/change-stream.md).
        let sequenced = entity == .delta && changeStream != nil
        switch fresh ? cache.readFresh(key) : cache.read(key) {
        case .ready(let payload):
            return .now(Self.response(payload, key, json: json, gzip: gzip, sequenced: sequenced))
        case .pending(let build):
            let reply = PendingReply()
            build.whenReady(key) { reply.complete(Self.response($0, key, json: json, gzip: gzip, sequenced: sequenced)) }
            return .later(reply)
        }
    }

    private static func response(_ payload: Payload, _ key: CacheKey, json: Bool, gzip: Bool, sequenced: Bool) -> Response {
        guard let body = payload.body else { return .empty(404) }
        var response = Response(status: 200, contentType: json ? .json : .xml, body: .shared(body))
        if sequenced { response.changeSequence = payload.changeSequence }
        if let gzipped = payload.gzipped, gzip {
            response.body = .shared(gzipped)
            response.contentEncodingGzip = true
        }
        var lineage = Hasher()
        lineage.combine(key)
        lineage.combine(response.contentEncodingGzip)
        response.bodyVersion = BodyVersion(lineage: lineage.finalize(), sequence: payload.sequence)
        return response
    }

    func statusOverrides() -> Response {
        var out: [UInt8] = [UInt8(ascii: "{")]
        for (index, entry) in registry.overriddenStatuses.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.appendJSONString(entry.id)
            out.append(UInt8(ascii: ":"))
            out.appendJSONString(entry.status.rawValue)
        }
        out.append(UInt8(ascii: "}"))
        return Response(status: 200, contentType: .json, body: .bytes(out))
    }
}
