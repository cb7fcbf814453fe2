/// Spring's profile expressions, as `spring.config.activate.on-profile` (and the older `spring.profiles`) take
/// them: a name, `!a`, `a & b`, `a | b`, parentheses; `&` and `|` do not mix without parentheses. A comma list
/// matches when any item does.
struct ProfileExpression {
    private var tokens: [Substring]
    private var position = 0
    private let active: Set<String>

    static func matches(_ text: String, active: [String]) throws(ConfigError) -> Bool {
        let items = text.split(separator: ",").map { $0.trimmingSpaces }.filter { !$0.isEmpty }
        guard !items.isEmpty else { throw ConfigError.badProfileExpression(text) }
        for item in items {
            var parser = ProfileExpression(tokens: tokenize(item), active: Set(active))
            let result = try parser.expression(text)
            guard parser.position == parser.tokens.count else { throw ConfigError.badProfileExpression(text) }
            if result { return true }
        }
        return false
    }

    private init(tokens: [Substring], active: Set<String>) {
        self.tokens = tokens
        self.active = active
    }

    private static func tokenize(_ text: Substring) -> [Substring] {
        var tokens: [Substring] = []
        var start: Substring.Index?
        for index in text.indices {
            let character = text[index]
            if "()&|!".contains(character) || character == " " || character == "\t" {
                if let begun = start { tokens.append(text[begun..<index]) }
                start = nil
                if character != " " && character != "\t" { tokens.append(text[index...index]) }
            } else if start == nil {
                start = index
            }
        }
        if let begun = start { tokens.append(text[begun...]) }
        return tokens
    }

    private mutating func expression(_ text: String) throws(ConfigError) -> Bool {
        var value = try term(text)
        var op: Substring?
        while position < tokens.count, tokens[position] == "&" || tokens[position] == "|" {
            let next = tokens[position]
            if let op, op != next { throw ConfigError.badProfileExpression(text) }
            op = next
            position += 1
            let right = try term(text)
            value = next == "&" ? (value && right) : (value || right)
        }
        return value
    }

    private mutating func term(_ text: String) throws(ConfigError) -> Bool {
        guard position < tokens.count else { throw ConfigError.badProfileExpression(text) }
        let token = tokens[position]
        position += 1
        switch token {
        case "!": return try !term(text)
        case "(":
            let value = try expression(text)
            guard position < tokens.count, tokens[position] == ")" else { throw ConfigError.badProfileExpression(text) }
            position += 1
            return value
        case ")", "&", "|": throw ConfigError.badProfileExpression(text)
        default: return active.contains(String(token))
        }
    }
}
