/// Where a setting's value came from: shown by `--print-config` and in every error and warning about it.
public enum ConfigSource: Sendable, Equatable, CustomStringConvertible {
    /// Not given anywhere: the value of `ServerConfig()`.
    case defaultValue
    /// A line of a config file; `path` as found (`config/application.yml`) or as `spring.config.location` named it.
    case file(path: String, line: Int)
    case environment(variable: String)
    /// A command-line flag, by its name as typed (`--server.port`).
    case flag(String)
    /// An embedding host's own label for the values it hands over (the C API's key/value pairs).
    case host(String)

    public var description: String {
        switch self {
        case .defaultValue: "default"
        case .file(let path, let line): "\(path):\(line)"
        case .environment(let variable): "environment \(variable)"
        case .flag(let name): "flag \(name)"
        case .host(let label): label
        }
    }
}

/// One `key=value` pair as a source gave it: the key as written (any relaxed spelling), the value not yet resolved.
public struct ConfigEntry: Sendable, Equatable {
    public var key: String
    public var value: String
    public var source: ConfigSource

    public init(key: String, value: String, source: ConfigSource) {
        self.key = key
        self.value = value
        self.source = source
    }
}

/// One document of a config file (a YAML file may hold several, separated by `---`; a properties file by `#---`),
/// flattened to dotted keys in file order. List items keep Spring's index form: `defaultZone[0]`, `defaultZone[1]`.
public struct ConfigDocument: Sendable, Equatable {
    public var entries: [ConfigEntry]

    public init(entries: [ConfigEntry]) {
        self.entries = entries
    }
}

/// Turns the text of a YAML file into documents. Config/ parses properties itself; YAML needs a library
/// (Yams, in the ConfigYAML target), which the executable hands in, so the embeddable library stays free of it.
public typealias YAMLReader = @Sendable (_ text: String, _ path: String) throws(ConfigError) -> [ConfigDocument]
