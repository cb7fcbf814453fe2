import Server
import Yams

/// `application.yml` -> documents of dotted keys, each value with its line: the YAML half of the config loader.
/// Nested mappings and dotted keys both give `eureka.client.service-url.defaultZone`; a list gives indexed keys
/// (`defaultZone[0]`, `defaultZone[1]`) as Spring's loader does. Plain scalars read as SnakeYAML (Spring's YAML
/// library) reads them: `yes`/`on` are true, `no`/`off` false, `~`/`null`/nothing is an empty value. Merge keys
/// (`<<: *defaults`) are applied; a key twice in one mapping is an error, as in Spring.
public enum YAMLDocuments {
    public static let reader: YAMLReader = { text, path throws(ConfigError) in try documents(text, path: path) }

    public static func documents(_ text: String, path: String) throws(ConfigError) -> [ConfigDocument] {
        var documents: [ConfigDocument] = []
        do {
            let parser = try Parser(yaml: text)
            while let root = try parser.nextRoot() {
                var entries: [ConfigEntry] = []
                if case .mapping = root {
                    try flatten(root, prefix: "", path: path, into: &entries)
                } else if root.scalar.map(value(of:)) != "" {
                    throw ConfigError.located(.malformedFile(reason: "a document must be a mapping of keys to values"),
                                              .file(path: path, line: root.mark?.line ?? 1))
                }
                documents.append(ConfigDocument(entries: entries))
            }
        } catch let error as ConfigError {
            throw error
        } catch let error as YamlError {
            throw located(error, path: path)
        } catch {
            throw ConfigError.unreadableFile(path: path, reason: "\(error)")
        }
        return documents
    }

    private static func flatten(_ node: Node, prefix: String, path: String, into entries: inout [ConfigEntry]) throws(ConfigError) {
        let line = node.mark?.line ?? 1
        switch node {
        case .scalar(let scalar):
            entries.append(ConfigEntry(key: prefix, value: value(of: scalar), source: .file(path: path, line: line)))
        case .sequence(let sequence):
            if sequence.isEmpty {
                entries.append(ConfigEntry(key: prefix, value: "", source: .file(path: path, line: line)))
            }
            for (index, item) in sequence.enumerated() {
                try flatten(item, prefix: "\(prefix)[\(index)]", path: path, into: &entries)
            }
        case .mapping(let mapping):
            var seen: [String: Int] = [:]
            // Merged mappings first, so that the mapping's own keys override them.
            for (key, value) in mapping where isMerge(key) {
                for merged in (value.sequence.map(Array.init) ?? [value]) {
                    guard case .mapping = merged else {
                        throw ConfigError.located(.malformedFile(reason: "a merge key (<<) needs a mapping"), .file(path: path, line: merged.mark?.line ?? line))
                    }
                    try flatten(merged, prefix: prefix, path: path, into: &entries)
                }
            }
            for (key, value) in mapping where !isMerge(key) {
                let keyLine = key.mark?.line ?? line
                guard let name = key.scalar?.string else {
                    throw ConfigError.located(.malformedFile(reason: "a mapping key must be a plain value"), .file(path: path, line: keyLine))
                }
                if let first = seen[name] {
                    throw ConfigError.located(.duplicateKey(prefix.isEmpty ? name : prefix + "." + name, firstLine: first), .file(path: path, line: keyLine))
                }
                seen[name] = keyLine
                let full = prefix.isEmpty ? name : prefix + "." + name
                if case .scalar = value {
                    // The line of the key: where a reader looks for `port: 8761`, also when the value wraps.
                    entries.append(ConfigEntry(key: full, value: Self.value(of: value.scalar!), source: .file(path: path, line: keyLine)))
                } else {
                    try flatten(value, prefix: full, path: path, into: &entries)
                }
            }
        }
    }

    private static func isMerge(_ key: Node) -> Bool {
        guard let scalar = key.scalar else { return false }
        return scalar.string == "<<" && (scalar.style == .plain || scalar.style == .any)
    }

    private static func value(of scalar: Node.Scalar) -> String {
        guard scalar.style == .plain || scalar.style == .any else { return scalar.string }
        switch scalar.string {
        case "", "~", "null", "Null", "NULL": return ""
        case "yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE": return "true"
        case "no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE": return "false"
        default: return scalar.string
        }
    }

    private static func located(_ error: YamlError, path: String) -> ConfigError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let reason = "not valid YAML: " + (context.map { "\($0.text), " } ?? "") + problem
            return .located(.malformedFile(reason: reason), .file(path: path, line: mark.line))
        case .reader(let problem, _, _, _):
            return .located(.malformedFile(reason: "not valid YAML: \(problem)"), .file(path: path, line: 1))
        default:
            return .located(.malformedFile(reason: "not valid YAML: \(error)"), .file(path: path, line: 1))
        }
    }
}
