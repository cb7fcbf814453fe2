/// What a cached document is about (spec 6.1); `/eureka/apps` and `/eureka/v2/apps` share one entry.
enum CacheEntity: Hashable, Sendable {
    case allApps
    case delta
    case app(String)
    case vip(String)
    case svip(String)
}

extension CacheEntity {
    /// One application's or one VIP's document: the entries a client can multiply by asking for new names, so
    /// they are counted and evicted least recently read first (the full registry and the delta are not).
    var isNamed: Bool {
        switch self {
        case .allApps, .delta: false
        case .app, .vip, .svip: true
        }
    }

    /// Whether a change to `app` with these VIP names reaches this entity: the rule `CacheKey.invalidated` lists.
    func isTouched(byChangeTo app: String, vips: [Substring], svips: [Substring]) -> Bool {
        switch self {
        case .allApps, .delta: true
        case .app(let name): name == app
        case .vip(let name): vips.contains { $0 == name }
        case .svip(let name): svips.contains { $0 == name }
        }
    }
}

/// entity x format x representation (spec 6.1).
struct CacheKey: Hashable, Sendable {
    var entity: CacheEntity
    var format: WireFormat
    var representation: Representation

    init(_ entity: CacheEntity, _ format: WireFormat, _ representation: Representation) {
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

    /// Formats x representations: the keys per entity.
    static let variantCount = formats.count * representations.count
    private static let formats = [WireFormat.json, .xml]
    private static let representations = [Representation.full, .compact]

    /// Every key of one entity (formats x representations).
    static func variants(of entity: CacheEntity) -> [CacheKey] {
        formats.flatMap { format in representations.map { CacheKey(entity, format, $0) } }
    }

    /// The keys one change to `app` invalidates (spec 6.4, OUR choice: every VIP name, every variant).
    static func invalidated(app: String, vips: [Substring], svips: [Substring]) -> [CacheKey] {
        var entities: [CacheEntity] = [.app(app), .allApps, .delta]
        entities += vips.map { .vip(String($0)) }
        entities += svips.map { .svip(String($0)) }
        var keys: [CacheKey] = []
        keys.reserveCapacity(entities.count * variantCount)
        for entity in entities {
            for format in formats {
                for representation in representations {
                    keys.append(CacheKey(entity, format, representation))
                }
            }
        }
        return keys
    }
}
