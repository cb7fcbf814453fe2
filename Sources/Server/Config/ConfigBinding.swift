/// Applies `key=value` pairs, each with its source, to a ServerConfig: the one path every source goes through
/// (flags, environment variables, file entries once their placeholders are resolved, an embedding host's pairs).
/// A later pair overrides an earlier one, so callers apply in rising precedence.
///
/// Keys match relaxed (`evictionIntervalTimerInMs` = `eviction-interval-timer-in-ms`). An unknown key under
/// `eureka.server.` or `eureka.node.`, or a bad value for any known key, throws with the source attached; a key
/// outside our namespaces is remembered as ignored, for one warning line.
public struct ConfigBinding: Sendable {
    struct Given: Sendable {
        var name: String
        var value: String
        var source: ConfigSource
    }

    struct Ignored: Sendable {
        var key: String
        var source: ConfigSource
        var reason: String
        /// A known setting that does nothing here, as opposed to a key this node does not know.
        var known: Bool
    }

    public private(set) var config: ServerConfig
    /// The last pair given for each known setting, by relaxed name.
    private(set) var given: [String: Given] = [:]
    /// Ignored keys in the order first seen, each once (with the source of its last occurrence).
    private(set) var ignored: [Ignored] = []
    private var ignoredIndex: [String: Int] = [:]

    public init(_ config: ServerConfig = ServerConfig()) {
        self.config = config
    }

    public mutating func apply(key: String, value: String, source: ConfigSource) throws(ConfigError) {
        let relaxed = SettingKeys.relaxed(key)
        if let setting = SettingKeys.byRelaxedName[relaxed] {
            do {
                try setting.apply(&config, value)
            } catch {
                throw ConfigError.located(error, source)
            }
            given[relaxed] = Given(name: setting.name, value: value, source: source)
            if case .noEffect(let reason) = setting.kind, setting.read == nil {
                ignore(relaxed, Ignored(key: setting.name, source: source, reason: reason, known: true))
            }
            return
        }
        if let zoned = ZoneSettings.match(key) {
            ZoneSettings.apply(zoned.kind, name: zoned.name, value: value, to: &config)
            given[relaxed] = Given(name: zoned.shown, value: value, source: source)
            return
        }
        if let family = SettingKeys.family(relaxedName: relaxed) {
            ignore(relaxed, Ignored(key: key, source: source, reason: "\(family.shown): \(family.reason)", known: true))
            return
        }
        if SettingKeys.isStrict(relaxedName: relaxed) {
            throw ConfigError.located(.unknownSetting(key), source)
        }
        ignore(relaxed, Ignored(key: key, source: source, reason: SettingKeys.foreignReason(relaxedName: relaxed), known: false))
    }

    /// Zone URLs and region zones given that the peer list does not use: one warning each (ZoneSettings).
    mutating func noteUnusedZones() {
        for (relaxed, entry) in given.sorted(by: { $0.key < $1.key }) {
            guard let zoned = ZoneSettings.match(entry.name),
                  let reason = ZoneSettings.unusedReason(zoned.kind, name: zoned.name, config: config) else { continue }
            ignore(relaxed, Ignored(key: entry.name, source: entry.source, reason: reason, known: false))
        }
    }

    /// Zone settings given, as (key, value, source), sorted by key (for `--print-config`).
    var zoneSettings: [Given] {
        given.values.filter { ZoneSettings.match($0.name) != nil }.sorted { $0.name < $1.name }
    }

    /// A key the caller found unusable but harmless (an environment variable under our prefix that names nothing).
    mutating func ignore(_ key: String, source: ConfigSource, reason: String) {
        ignore(SettingKeys.relaxed(key), Ignored(key: key, source: source, reason: reason, known: false))
    }

    private mutating func ignore(_ relaxed: String, _ entry: Ignored) {
        if let index = ignoredIndex[relaxed] {
            ignored[index] = entry
        } else {
            ignoredIndex[relaxed] = ignored.count
            ignored.append(entry)
        }
    }

    /// Where the effective value of a setting came from; `.defaultValue` when nothing gave it.
    public func source(of name: String) -> ConfigSource {
        given[SettingKeys.relaxed(name)]?.source ?? .defaultValue
    }

    /// One line per key given that does nothing here, and per known setting accepted with no effect, when given.
    public var warnings: [String] {
        var lines: [String] = []
        for key in SettingKeys.all {
            if case .noEffect(let reason) = key.kind, key.read != nil, let given = given[SettingKeys.relaxed(key.name)] {
                lines.append("\(given.source): \(key.name) has no effect: \(reason)")
            }
        }
        for entry in ignored {
            lines.append("\(entry.source): \(entry.key) \(entry.known ? "has no effect" : "is ignored"): \(entry.reason)")
        }
        return lines
    }
}
