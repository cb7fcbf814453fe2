/// `${name}` and `${name:default}` in values, resolved as Spring resolves them: the name is looked up among the
/// other properties and the environment, its value is resolved in turn, a default may hold placeholders of its own
/// (`${eureka.password:${SECURITY_USER_PASSWORD:password}}`) and is resolved only when needed, the name itself may
/// be built from placeholders, and `\${` stands for a literal `${`. A text with no closing brace stays as written.
struct Placeholders {
    /// The raw value of a name, not yet resolved; nil when nothing gives it.
    private let lookup: (String) -> String?
    /// Relaxed names whose value some placeholder used.
    private(set) var referenced: Set<String> = []

    init(lookup: @escaping (String) -> String?) {
        self.lookup = lookup
    }

    /// `setting` names the value being resolved: a cycle back to it is reported, and errors name it.
    mutating func resolve(_ text: String, setting: String) throws(ConfigError) -> String {
        guard text.contains("${") else { return text }
        return try resolve(Substring(text), chain: [setting])
    }

    private mutating func resolve(_ text: Substring, chain: [String]) throws(ConfigError) -> String {
        var out = ""
        var index = text.startIndex
        while index < text.endIndex {
            let rest = text[index...]
            if rest.hasPrefix("\\${") {
                out += "${"
                index = text.index(index, offsetBy: 3)
            } else if rest.hasPrefix("${"), let end = Self.closingBrace(in: text, after: text.index(index, offsetBy: 2)) {
                let content = text[text.index(index, offsetBy: 2)..<end]
                out += try value(of: content, chain: chain)
                index = text.index(after: end)
            } else {
                out.append(text[index])
                index = text.index(after: index)
            }
        }
        return out
    }

    /// The value of one placeholder's content (`name` or `name:default`).
    private mutating func value(of content: Substring, chain: [String]) throws(ConfigError) -> String {
        let (namePart, defaultPart) = Self.splitDefault(content)
        let name = try resolve(namePart, chain: chain)
        if let raw = lookup(name) {
            let relaxed = SettingKeys.relaxed(name)
            referenced.insert(relaxed)
            if chain.contains(where: { SettingKeys.relaxed($0) == relaxed }) {
                throw ConfigError.placeholderCycle(chain + [name])
            }
            return try resolve(Substring(raw), chain: chain + [name])
        }
        if let defaultPart { return try resolve(defaultPart, chain: chain) }
        throw ConfigError.unresolvablePlaceholder(name: name, setting: chain[0])
    }

    /// The `}` that closes a placeholder whose content starts at `start`, counting nested `${`.
    private static func closingBrace(in text: Substring, after start: Substring.Index) -> Substring.Index? {
        var depth = 1
        var index = start
        while index < text.endIndex {
            if text[index...].hasPrefix("${") {
                depth += 1
                index = text.index(index, offsetBy: 2)
                continue
            }
            if text[index] == "}" {
                depth -= 1
                if depth == 0 { return index }
            }
            index = text.index(after: index)
        }
        return nil
    }

    /// Name and default split at the first `:` outside nested placeholders; `\:` is a colon in the name.
    private static func splitDefault(_ content: Substring) -> (Substring, Substring?) {
        var depth = 0
        var index = content.startIndex
        var name = ""
        var escaped = false
        while index < content.endIndex {
            let character = content[index]
            if content[index...].hasPrefix("${") {
                depth += 1
            } else if character == "}" && depth > 0 {
                depth -= 1
            } else if character == "\\" && content[content.index(after: index)...].hasPrefix(":") && depth == 0 {
                escaped = true
                name += ":"
                index = content.index(index, offsetBy: 2)
                continue
            } else if character == ":" && depth == 0 {
                return (escaped ? Substring(name) : content[..<index], content[content.index(after: index)...])
            }
            name.append(character)
            index = content.index(after: index)
        }
        return (escaped ? Substring(name) : content, nil)
    }
}
