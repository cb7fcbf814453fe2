/// What a cached document is about (spec 6.1); `/eureka/apps` and `/eureka/v2/apps` share one entry.
public enum CacheEntity: Hashable, Sendable {
    case allApps
    case delta
    case app(String)
    case vip(String)
    case svip(String)
}

/// entity x format x representation (spec 6.1).
public struct CacheKey: Hashable, Sendable {
    public var entity: CacheEntity
    public var format: WireFormat
    public var representation: Representation

    public init(_ entity: CacheEntity, _ format: WireFormat, _ representation: Representation) {
        self.entity = entity
        self.format = format
        self.representation = representation
    }

    /// Only the full registry and the delta are ever served gzipped (spec 1.5).
    var isCompressible: Bool {
        switch entity {
        case .allApps, .delta: true
        default: false
        }
    }

    /// The keys one change to `app` invalidates (spec 6.4, OUR choice: every VIP name, every variant).
    static func invalidated(app: String, vips: [Substring], svips: [Substring]) -> [CacheKey] {
        var entities: [CacheEntity] = [.app(app), .allApps, .delta]
        entities += vips.map { .vip(String($0)) }
        entities += svips.map { .svip(String($0)) }
        var keys: [CacheKey] = []
        for entity in entities {
            for format in [WireFormat.json, .xml] {
                for representation in [Representation.full, .compact] {
                    keys.append(CacheKey(entity, format, representation))
                }
            }
        }
        return keys
    }
}
