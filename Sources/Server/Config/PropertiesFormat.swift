/// `application.properties` as Java reads it: `key=value`, `key: value` or `key value`; `#` and `!` comments;
/// a line ending in an odd number of backslashes continues on the next (leading blanks dropped); escapes `\t`,
/// `\n`, `\r`, `\f`, `\uXXXX`, and `\` before any other character for itself. As in Spring Boot, a line `#---`
/// (or `!---`) starts a new document. Each entry carries the line its key starts on.
enum PropertiesFormat {
    static func documents(_ text: String, path: String) throws(ConfigError) -> [ConfigDocument] {
        var documents = [ConfigDocument(entries: [])]
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        var number = 0
        while number < lines.count {
            let first = number + 1
            var logical = String(lines[number].drop(while: { $0 == " " || $0 == "\t" || $0 == "\u{0C}" }))
            number += 1
            if logical == "#---" || logical == "!---" {
                documents.append(ConfigDocument(entries: []))
                continue
            }
            if logical.isEmpty || logical.hasPrefix("#") || logical.hasPrefix("!") { continue }
            while Self.continues(logical) && number < lines.count {
                logical.removeLast()
                logical += lines[number].drop(while: { $0 == " " || $0 == "\t" || $0 == "\u{0C}" })
                number += 1
            }
            if Self.continues(logical) { logical.removeLast() }
            let (key, value) = try split(logical, source: .file(path: path, line: first))
            documents[documents.count - 1].entries.append(ConfigEntry(key: key, value: value, source: .file(path: path, line: first)))
        }
        return documents.filter { !$0.entries.isEmpty }
    }

    private static func continues(_ line: String) -> Bool {
        line.reversed().prefix(while: { $0 == "\\" }).count % 2 == 1
    }

    /// The key ends at the first unescaped `=`, `:` or blank; one separator and the blanks around it are skipped.
    private static func split(_ line: String, source: ConfigSource) throws(ConfigError) -> (String, String) {
        let characters = Array(line)
        var index = 0
        var keyEnd = characters.count
        while index < characters.count {
            let character = characters[index]
            if character == "\\" {
                index += 2
                continue
            }
            if character == "=" || character == ":" || character == " " || character == "\t" {
                keyEnd = index
                break
            }
            index += 1
        }
        var valueStart = min(keyEnd, characters.count)
        while valueStart < characters.count, characters[valueStart] == " " || characters[valueStart] == "\t" { valueStart += 1 }
        if valueStart < characters.count, characters[valueStart] == "=" || characters[valueStart] == ":" {
            valueStart += 1
            while valueStart < characters.count, characters[valueStart] == " " || characters[valueStart] == "\t" { valueStart += 1 }
        }
        let key = try unescape(characters[0..<keyEnd], source: source)
        let value = try unescape(characters[valueStart...], source: source)
        return (key, value)
    }

    private static func unescape(_ characters: ArraySlice<Character>, source: ConfigSource) throws(ConfigError) -> String {
        var out = ""
        var index = characters.startIndex
        while index < characters.endIndex {
            let character = characters[index]
            index += 1
            guard character == "\\", index < characters.endIndex else {
                if character != "\\" { out.append(character) }
                continue
            }
            let escaped = characters[index]
            index += 1
            switch escaped {
            case "t": out += "\t"
            case "n": out += "\n"
            case "r": out += "\r"
            case "f": out += "\u{0C}"
            case "u":
                let hex = String(characters[index..<min(index + 4, characters.endIndex)])
                guard hex.count == 4, let code = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(code) else {
                    throw ConfigError.located(.malformedFile(reason: "malformed \\u escape '\\u\(hex)'"), source)
                }
                out.unicodeScalars.append(scalar)
                index += 4
            default: out.append(escaped)
            }
        }
        return out
    }
}
