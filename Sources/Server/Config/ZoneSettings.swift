/// Peers in zones, as Netflix's server resolves them (PeerEurekaNodes.resolvePeerUrls over Spring's
/// EurekaClientConfigBean): the zones are `eureka.client.availability-zones.<region>` (a comma list) for
/// `eureka.client.region` (default `us-east-1`), or `defaultZone` alone when that region has none. The peers are
/// every zone's `eureka.client.service-url.<zone>` in zone order, beginning with the first zone (this node's own
/// zone outside AWS), where a zone without URLs takes `defaultZone`'s; a URL listed twice counts once (Netflix
/// keeps its peers in a set). Zone and region names compare relaxed (case, `-`, `_` and `.` ignored), so
/// `EUREKA_CLIENT_SERVICEURL_ZONEA` gives zone `zoneA` and `EUREKA_CLIENT_AVAILABILITYZONES_EU_CENTRAL_1` region
/// `eu-central-1`.
enum ZoneSettings {
    enum Kind: Sendable { case serviceURLs, availabilityZones }

    static let defaultZone = "defaultZone"
    static let defaultRegion = "us-east-1"
    private static let prefixes: [(relaxed: String, shown: String, kind: Kind)] = [
        ("eureka.client.serviceurl.", "eureka.client.service-url.", .serviceURLs),
        ("eureka.client.availabilityzones.", "eureka.client.availability-zones.", .availabilityZones),
    ]

    /// A key naming one zone's URLs or one region's zones (not `defaultZone`, a setting of its own): its kind, the
    /// zone or region as written, and the key as `--print-config` shows it.
    static func match(_ key: String) -> (kind: Kind, name: String, shown: String)? {
        let relaxedKey = SettingKeys.relaxed(key)
        for prefix in prefixes where relaxedKey.hasPrefix(prefix.relaxed) && relaxedKey.count > prefix.relaxed.count {
            // The map key is what follows the prefix's two dots in the key as written (it may hold dots itself).
            let parts = key.split(separator: ".", maxSplits: 3, omittingEmptySubsequences: false)
            guard parts.count == 4 else { return nil }
            let name = String(parts[3])
            if prefix.kind == .serviceURLs && same(name, defaultZone) { return nil }
            return (prefix.kind, name, prefix.shown + name)
        }
        return nil
    }

    static func isZoneKey(relaxedName: String) -> Bool {
        prefixes.contains { relaxedName.hasPrefix($0.relaxed) && relaxedName.count > $0.relaxed.count }
            && relaxedName != "eureka.client.serviceurl.defaultzone"
    }

    /// Relaxed equality of zone and region names.
    static func same(_ a: String, _ b: String) -> Bool { squeezed(a) == squeezed(b) }

    private static func squeezed(_ name: String) -> String {
        String(name.filter { $0 != "-" && $0 != "_" && $0 != "." }).lowercased()
    }

    static func list(_ text: String) -> [String] {
        text.split(separator: ",").map { String($0.trimmingSpaces) }.filter { !$0.isEmpty }
    }

    /// Sets one zone's URLs or one region's zones; a name equal (relaxed) to one given before replaces it.
    static func apply(_ kind: Kind, name: String, value: String, to config: inout ServerConfig) {
        switch kind {
        case .serviceURLs:
            for key in config.serviceUrlsByZone.keys where same(key, name) { config.serviceUrlsByZone[key] = nil }
            config.serviceUrlsByZone[name] = list(value)
        case .availabilityZones:
            for key in config.availabilityZones.keys where same(key, name) { config.availabilityZones[key] = nil }
            config.availabilityZones[name] = list(value)
        }
    }

    /// Why a zone key given does nothing, or nil when it counts.
    static func unusedReason(_ kind: Kind, name: String, config: ServerConfig) -> String? {
        switch kind {
        case .availabilityZones:
            return same(name, config.region) ? nil : "region \(name) is not eureka.client.region (\(config.region))"
        case .serviceURLs:
            if config.zones.contains(where: { same($0, name) }) { return nil }
            let region = config.availabilityZones.first { same($0.key, config.region) }
            return "\(name) is not among the zones of region \(config.region) (eureka.client.availability-zones.\(region?.key ?? config.region)"
                + (region == nil ? ", default \(defaultZone))" : ")")
        }
    }
}

extension ServerConfig {
    /// The zones of this node's region, in order.
    var zones: [String] {
        let given = availabilityZones.first { ZoneSettings.same($0.key, region) }?.value ?? []
        return given.isEmpty ? [ZoneSettings.defaultZone] : given
    }

    /// The peer service URLs from every zone, in Netflix's order (ZoneSettings).
    public var peerServiceURLs: [String] {
        var urls: [String] = []
        for zone in zones {
            var own = ZoneSettings.same(zone, ZoneSettings.defaultZone)
                ? serviceUrlDefaultZone : serviceUrlsByZone.first { ZoneSettings.same($0.key, zone) }?.value ?? []
            if own.isEmpty { own = serviceUrlDefaultZone }
            for url in own where !urls.contains(url) { urls.append(url) }
        }
        return urls
    }

    /// Every zone's URLs with the setting that gave them, `defaultZone` first (for validation).
    var serviceURLSettings: [(setting: String, urls: [String])] {
        [("eureka.client.service-url.defaultZone", serviceUrlDefaultZone)]
            + serviceUrlsByZone.sorted { $0.key < $1.key }.map { ("eureka.client.service-url.\($0.key)", $0.value) }
    }
}
