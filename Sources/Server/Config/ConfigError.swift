/// A bad setting stops start-up; the message names it, and where it came from (spec 9: exit code 2).
public enum ConfigError: Error, Equatable, CustomStringConvertible, Sendable {
    case unknownSetting(String)
    /// Unknown, with the spelling that would have named a setting.
    case misspelledSetting(String, suggestion: String)
    case badValue(name: String, value: String)
    /// A value that parses as its type but cannot be used, with the reason (a peer URL with https, spec 7.1).
    case unusableValue(name: String, value: String, reason: String)
    case malformedArgument(String)
    /// A file named by `spring.config.location` (without `optional:`) that is not there.
    case missingFile(String)
    case unreadableFile(path: String, reason: String)
    /// A file that is not valid YAML or properties text; located at the line.
    case malformedFile(reason: String)
    /// The same key twice in one YAML mapping (Spring's YAML loader refuses it too); located at the second one.
    case duplicateKey(String, firstLine: Int)
    /// `${name}` with no value anywhere and no default, in the value of `setting`.
    case unresolvablePlaceholder(name: String, setting: String)
    /// `${a}` whose value leads back to `a`: the chain of names, first and last equal.
    case placeholderCycle([String])
    case badProfileExpression(String)
    /// Any of the above, with the source it came from (a file and line, an environment variable, a flag).
    indirect case located(ConfigError, ConfigSource)

    public var description: String {
        switch self {
        case .unknownSetting(let name): "unknown setting '\(name)'"
        case .misspelledSetting(let name, let suggestion): "unknown setting '\(name)'; did you mean \(suggestion)?"
        case .badValue(let name, let value): "bad value '\(value)' for setting '\(name)'"
        case .unusableValue(let name, let value, let reason): "bad value '\(value)' for setting '\(name)': \(reason)"
        case .malformedArgument(let argument): "cannot read argument '\(argument)': expected --name=value"
        case .missingFile(let path): "config file '\(path)' not found (spring.config.location; prefix it with optional: to allow that)"
        case .unreadableFile(let path, let reason): "cannot read config file '\(path)': \(reason)"
        case .malformedFile(let reason): reason
        case .duplicateKey(let key, let firstLine): "duplicate key '\(key)' (first at line \(firstLine))"
        case .unresolvablePlaceholder(let name, let setting):
            "cannot resolve placeholder '${\(name)}' in the value of '\(setting)': no such property or environment variable, and no default (${\(name):default})"
        case .placeholderCycle(let chain): "placeholder cycle: \(chain.joined(separator: " -> "))"
        case .badProfileExpression(let text): "bad profile expression '\(text)'"
        case .located(let error, let source): "\(source): \(error)"
        }
    }

    /// The error without its location.
    public var problem: ConfigError {
        if case .located(let inner, _) = self { return inner.problem }
        return self
    }
}
