/// Environment variables with Spring's relaxed binding: a variable names a setting when it equals the setting's
/// name with dots as `_`, dashes dropped, in any case (`SERVER_PORT`, `EUREKA_SERVER_ENABLESELFPRESERVATION`,
/// `EUREKA_CLIENT_SERVICEURL_DEFAULTZONE`). A variable whose name holds a dot is read as a property name
/// (Kubernetes can set `server.port`).
enum EnvironmentNames {
    /// A variable under our prefixes that is no setting and no likely misspelling of one: skipped, with a warning.
    struct Stray: Sendable {
        var key: String
        var source: ConfigSource
    }

    /// The variables that name a setting, as entries in name order (so the result never depends on the order of
    /// the process environment). Every other variable is left alone: the environment is full of things that are
    /// not ours, and they stay reachable by `${NAME}` placeholders.
    ///
    /// Under `EUREKA_SERVER_` and `EUREKA_NODE_` a variable that names no setting is an error when it looks like a
    /// misspelt one (underscores for dashes, or one or two letters off), as an unknown key in a file is. Any other
    /// is a stray: those prefixes also name variables *about* the server (`EUREKA_SERVER_URL` for its clients,
    /// `EUREKA_SERVER_BIN` in scripts, Kubernetes' service links `EUREKA_SERVER_PORT=tcp://...` and
    /// `EUREKA_SERVER_SERVICE_HOST` for a Service named `eureka-server`), and a shared environment must not stop
    /// the node. Strays get a warning line; service links not even that.
    static func entries(_ environment: [String: String]) throws(ConfigError) -> (entries: [ConfigEntry], strays: [Stray]) {
        var entries: [ConfigEntry] = []
        var strays: [Stray] = []
        for (name, value) in environment.sorted(by: { $0.key < $1.key }) {
            let source = ConfigSource.environment(variable: name)
            let lower = name.lowercased()
            if let key = SettingKeys.byEnvironmentName[lower] {
                entries.append(ConfigEntry(key: key.name, value: value, source: source))
            } else if name.contains(".") || name == "SPRING_APPLICATION_JSON" {
                // SPRING_APPLICATION_JSON as the loader's spring.application.json (ApplicationJSON reads it).
                entries.append(ConfigEntry(key: name == "SPRING_APPLICATION_JSON" ? "spring.application.json" : name, value: value, source: source))
            } else if let zoneKey = zoneKey(lower) {
                entries.append(ConfigEntry(key: zoneKey, value: value, source: source))
            } else if lower.hasPrefix("eureka_server_") || lower.hasPrefix("eureka_node_") {
                if isServiceLink(name) { continue }
                let asProperty = lower.replacing("_", with: ".")
                if SettingKeys.family(relaxedName: SettingKeys.relaxed(asProperty)) != nil {
                    entries.append(ConfigEntry(key: asProperty, value: value, source: source))
                } else if let suggestion = suggestion(for: lower) {
                    throw ConfigError.located(.misspelledSetting(name, suggestion: suggestion), source)
                } else {
                    strays.append(Stray(key: asProperty, source: source))
                }
            }
        }
        return (entries, strays)
    }

    /// `EUREKA_CLIENT_SERVICEURL_ZONEA` -> `eureka.client.service-url.zonea`, `EUREKA_CLIENT_AVAILABILITYZONES_EU_WEST_1`
    /// -> `eureka.client.availability-zones.eu_west_1` (zone and region names compare relaxed, ZoneSettings).
    private static func zoneKey(_ lower: String) -> String? {
        for (prefix, key) in [("eureka_client_serviceurl_", "eureka.client.service-url."),
                              ("eureka_client_availabilityzones_", "eureka.client.availability-zones.")]
            where lower.hasPrefix(prefix) && lower.count > prefix.count {
            return key + lower.dropFirst(prefix.count)
        }
        return nil
    }

    /// The setting a variable was likely meant to name: underscores written for dashes
    /// (`EUREKA_SERVER_ENABLE_SELF_PRESERVATION`), or a letter or two off (`EUREKA_NODE_MAXCONECTIONS`; two only in
    /// names of 12 letters or more, so that `EUREKA_SERVER_URL` is not taken for `EUREKA_SERVER_MYURL`).
    private static func suggestion(for lower: String) -> String? {
        let squeezed = Array(lower.filter { $0 != "_" })
        let prefix = lower.hasPrefix("eureka_server_") ? "eurekaserver" : "eurekanode"
        let tolerance = squeezed.count - prefix.count >= 12 ? 2 : 1
        var best: (distance: Int, key: SettingKey)?
        for key in SettingKeys.all {
            let candidate = Array(SettingKeys.environmentForm(key.name).filter { $0 != "_" })
            guard candidate.starts(with: prefix) else { continue }
            let distance = editDistance(squeezed, candidate, limit: tolerance)
            if distance <= tolerance && distance < (best?.distance ?? Int.max) { best = (distance, key) }
        }
        guard let best else { return nil }
        let hint = best.distance == 0 ? " (environment names drop the dashes)" : ""
        return SettingKeys.environmentForm(best.key.name).uppercased() + hint
    }

    /// Levenshtein distance, or `limit + 1` as soon as it must exceed `limit`.
    private static func editDistance(_ a: [Character], _ b: [Character], limit: Int) -> Int {
        if abs(a.count - b.count) > limit { return limit + 1 }
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(b.count, 1) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            if current.min()! > limit { return limit + 1 }
            previous = current
        }
        return previous[b.count]
    }

    /// Kubernetes' Docker-link style variables for a Service: `<SVC>_SERVICE_HOST`, `<SVC>_SERVICE_PORT[_<NAME>]`,
    /// `<SVC>_PORT`, `<SVC>_PORT_<N>_<PROTO>[_PROTO|_PORT|_ADDR]`.
    static func isServiceLink(_ name: String) -> Bool {
        let parts = name.uppercased().split(separator: "_", omittingEmptySubsequences: false)
        if name.uppercased().hasSuffix("_SERVICE_HOST") || name.uppercased().hasSuffix("_PORT") { return true }
        if let service = parts.lastIndex(of: "SERVICE"), service + 1 < parts.count, parts[service + 1] == "PORT" { return true }
        guard let port = parts.lastIndex(where: { $0 == "PORT" }), port + 2 < parts.count,
              parts[port + 1].allSatisfy(\.isNumber), ["TCP", "UDP", "SCTP"].contains(parts[port + 2]) else { return false }
        return port + 3 == parts.count || (port + 4 == parts.count && ["PROTO", "PORT", "ADDR"].contains(parts[port + 3]))
    }

    /// The value of `${name}` from the environment, as Spring looks it up: the variable of that exact name, then
    /// the relaxed form of a property name (`${eureka.password}` finds `EUREKA_PASSWORD`), then dots and dashes as
    /// underscores, upper case (`${my-peers}` finds `MY_PEERS`).
    static func lookup(_ name: String, in environment: [String: String], lowercased: [String: String]) -> String? {
        if let value = environment[name] { return value }
        if let value = lowercased[SettingKeys.environmentForm(name)] { return value }
        let underscored = String(name.map { $0 == "." || $0 == "-" ? "_" : $0 }).uppercased()
        return environment[underscored]
    }
}
