/// A bad setting stops start-up; the message names it (spec 9: exit code 2).
public enum ConfigError: Error, Equatable, CustomStringConvertible, Sendable {
    case unknownSetting(String)
    case badValue(name: String, value: String)
    /// A value that parses as its type but cannot be used, with the reason (a peer URL with https, spec 7.1).
    case unusableValue(name: String, value: String, reason: String)
    case malformedArgument(String)

    public var description: String {
        switch self {
        case .unknownSetting(let name): "unknown setting '\(name)'"
        case .badValue(let name, let value): "bad value '\(value)' for setting '\(name)'"
        case .unusableValue(let name, let value, let reason): "bad value '\(value)' for setting '\(name)': \(reason)"
        case .malformedArgument(let argument): "cannot read argument '\(argument)': expected --name=value"
        }
    }
}

/// Command-line arguments in Spring form (`--name=value`) -> ServerConfig. Names match Spring-style
/// (relaxed): each dot-separated segment compares with `-` removed and case ignored.
public enum ConfigLoader {
    public static func load(arguments: [String]) throws(ConfigError) -> ServerConfig {
        var config = ServerConfig()
        for argument in arguments {
            guard argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") else {
                throw ConfigError.malformedArgument(argument)
            }
            let name = String(argument[argument.index(argument.startIndex, offsetBy: 2)..<equals])
            let value = String(argument[argument.index(after: equals)...])
            try apply(name, value, to: &config)
        }
        return config
    }

    /// One `name=value` setting (the name without `--`), as on the command line; the C API's configuration
    /// comes through here too. On failure `config` is unchanged.
    static func apply(_ name: String, _ value: String, to config: inout ServerConfig) throws(ConfigError) {
        guard let key = index[relaxed(name)] else { throw ConfigError.unknownSetting(name) }
        try key.apply(&config, value)
    }

    /// `eureka.server.evictionIntervalTimerInMs` and `eureka.server.eviction-interval-timer-in-ms` are one name.
    static func relaxed(_ name: String) -> String {
        name.split(separator: ".", omittingEmptySubsequences: false)
            .map { segment in String(segment.filter { $0 != "-" && $0 != "_" }).lowercased() }
            .joined(separator: ".")
    }

    private static let index: [String: SettingKey] = {
        var table: [String: SettingKey] = [:]
        for key in SettingKeys.all { table[relaxed(key.name)] = key }
        return table
    }()

    /// The --help text: every setting with its description.
    public static var helpText: String {
        var lines = ["usage: eureka-server [--name=value ...]", "", "settings (kebab-case or camelCase):"]
        for key in SettingKeys.all { lines.append("  --\(key.name)=...  \(key.help)") }
        return lines.joined(separator: "\n")
    }
}
