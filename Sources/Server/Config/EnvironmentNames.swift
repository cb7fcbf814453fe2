/// Environment variables with Spring's relaxed binding: a variable names a setting when it equals the setting's
/// name with dots as `_`, dashes dropped, in any case (`SERVER_PORT`, `EUREKA_SERVER_ENABLESELFPRESERVATION`,
/// `EUREKA_CLIENT_SERVICEURL_DEFAULTZONE`). A variable whose name holds a dot is read as a property name
/// (Kubernetes can set `server.port`).
enum EnvironmentNames {
    /// The variables that name a setting, as entries in name order (so the result never depends on the order of
    /// the process environment). Every other variable is left alone: the environment is full of things that are
    /// not ours, and they stay reachable by `${NAME}` placeholders. Under `EUREKA_SERVER_` and `EUREKA_NODE_` a
    /// variable that names no setting is an error, as an unknown key in a file is, except Kubernetes'
    /// service-link variables (a Service named `eureka-server` gives every pod `EUREKA_SERVER_PORT=tcp://...`).
    static func entries(_ environment: [String: String]) throws(ConfigError) -> [ConfigEntry] {
        var entries: [ConfigEntry] = []
        for (name, value) in environment.sorted(by: { $0.key < $1.key }) {
            let source = ConfigSource.environment(variable: name)
            let lower = name.lowercased()
            if let key = SettingKeys.byEnvironmentName[lower] {
                entries.append(ConfigEntry(key: key.name, value: value, source: source))
            } else if name.contains(".") || name == "SPRING_APPLICATION_JSON" {
                // SPRING_APPLICATION_JSON is not read: as an entry it gets its warning line.
                entries.append(ConfigEntry(key: name == "SPRING_APPLICATION_JSON" ? "spring.application.json" : name, value: value, source: source))
            } else if lower.hasPrefix("eureka_server_") || lower.hasPrefix("eureka_node_") {
                if isServiceLink(name) { continue }
                let asProperty = propertyForm(lower)
                if SettingKeys.family(relaxedName: SettingKeys.relaxed(asProperty)) != nil {
                    entries.append(ConfigEntry(key: asProperty, value: value, source: source))
                    continue
                }
                if let suggestion = suggestion(for: lower) {
                    throw ConfigError.located(.misspelledSetting(name, suggestion: suggestion), source)
                }
                throw ConfigError.located(.unknownSetting(asProperty), source)
            }
        }
        return entries
    }

    /// `eureka_server_foo_bar` read back as a property name: `eureka.server.foo.bar`.
    private static func propertyForm(_ lower: String) -> String {
        lower.replacing("_", with: ".")
    }

    /// The intended variable when underscores stood for dashes (`EUREKA_SERVER_ENABLE_SELF_PRESERVATION`).
    private static func suggestion(for lower: String) -> String? {
        let squeezed = lower.filter { $0 != "_" }
        let match = SettingKeys.all.first { SettingKeys.environmentForm($0.name).filter { $0 != "_" } == squeezed }
        return match.map { SettingKeys.environmentForm($0.name).uppercased() + " (environment names drop the dashes)" }
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
