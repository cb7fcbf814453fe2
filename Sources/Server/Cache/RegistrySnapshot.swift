extension CacheDocument {
    /// The registry's answer for a cache entity as it is now, copied on the loop: what a generation encodes,
    /// possibly off the loop (spec 6.2, 6.7).
    static func snapshot(of entity: CacheEntity, in registry: InstanceRegistry) -> CacheDocument {
        switch entity {
        case .allApps: return .applications(registry.fullApplications())
        case .delta: return .applications(registry.deltaApplications())
        case .app(let name): return registry.application(named: name).map(CacheDocument.application) ?? .empty
        case .vip(let name): return .applications(registry.vipApplications(name, secure: false))
        case .svip(let name): return .applications(registry.vipApplications(name, secure: true))
        }
    }
}
