/// `SPRING_APPLICATION_JSON` or `spring.application.json`: one JSON object of properties, as Spring Boot reads it.
/// Spring takes the first of the two found in precedence order (a `--spring.application.json=` flag hides the
/// variable; the two are never merged) and places its properties above the environment and the files and below
/// the command line. Nested objects become dotted names, array items `name[0]`, `name[1]` (so a list setting takes
/// a JSON array), scalars their text; `null` and empty objects give nothing, an empty array an empty value.
/// Every property then goes through the same placeholders, relaxed names and checks as any other.
enum ApplicationJSON {
    static let name = "spring.application.json"

    /// The JSON's properties, each with the source the JSON came from; none when neither is set or it is empty.
    static func entries(flags: [ConfigEntry], environmentEntries: [ConfigEntry]) throws(ConfigError) -> [ConfigEntry] {
        let relaxed = SettingKeys.relaxed(name)
        let isJSON = { (entry: ConfigEntry) in SettingKeys.relaxed(entry.key) == relaxed }
        guard let given = flags.last(where: isJSON) ?? environmentEntries.last(where: isJSON),
              !given.value.trimmingSpaces.isEmpty else { return [] }
        let document: JSONValue
        do {
            document = try JSONReader.parse(Array(given.value.utf8))
        } catch {
            throw ConfigError.located(.unusableValue(name: name, value: given.value, reason: "not valid JSON (\(error))"), given.source)
        }
        guard case .object(let members) = document else {
            throw ConfigError.located(.unusableValue(name: name, value: given.value, reason: "the JSON must be an object of properties"), given.source)
        }
        var entries: [ConfigEntry] = []
        for member in members {
            flatten(member.value, name: member.key, source: given.source, into: &entries)
        }
        return entries
    }

    private static func flatten(_ value: JSONValue, name: String, source: ConfigSource, into entries: inout [ConfigEntry]) {
        switch value {
        case .null:
            return
        case .object(let members):
            for member in members {
                flatten(member.value, name: name + "." + member.key, source: source, into: &entries)
            }
        case .array(let items):
            if items.isEmpty { entries.append(ConfigEntry(key: name, value: "", source: source)) }
            for (index, item) in items.enumerated() {
                flatten(item, name: "\(name)[\(index)]", source: source, into: &entries)
            }
        case .bool, .number, .string:
            entries.append(ConfigEntry(key: name, value: value.scalarText ?? "", source: source))
        }
    }
}
