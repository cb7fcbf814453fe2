/// The cached reads (spec 2.4-2.6, 2.12, 2.13) and the override map (2.16).
extension EurekaAPI {
    func cachedRead(_ entity: CacheEntity, _ request: Request) -> Response {
        guard readsOpen() else { return .empty(403) }
        let json = Negotiation.prefersJSON(request)
        let key = CacheKey(entity, json ? .json : .xml, Negotiation.wantsCompact(request) ? .compact : .full)
        let payload = cache.read(key)
        guard let body = payload.body else { return .empty(404) }
        var response = Response(status: 200, contentType: json ? .json : .xml, body: .shared(body))
        if let gzipped = payload.gzipped, Negotiation.acceptsGzip(request) {
            response.body = .shared(gzipped)
            response.contentEncodingGzip = true
        }
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

    /// Generates the document of a cache key from the registry as it is now; nil = no such application.
    static func document(for key: CacheKey, in registry: InstanceRegistry) -> [UInt8]? {
        switch key.entity {
        case .allApps:
            return ApplicationsCodec.encode(registry.fullApplications(), format: key.format, representation: key.representation)
        case .delta:
            return ApplicationsCodec.encode(registry.deltaApplications(), format: key.format, representation: key.representation)
        case .app(let name):
            guard let application = registry.application(named: name) else { return nil }
            return ApplicationsCodec.encode(application, format: key.format, representation: key.representation)
        case .vip(let name):
            return ApplicationsCodec.encode(registry.vipApplications(name, secure: false), format: key.format, representation: key.representation)
        case .svip(let name):
            return ApplicationsCodec.encode(registry.vipApplications(name, secure: true), format: key.format, representation: key.representation)
        }
    }
}
