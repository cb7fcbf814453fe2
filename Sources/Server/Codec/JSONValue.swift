/// A parsed JSON document. Bodies are small (register: ~1 KB, batches: up to 1 MiB), so a tree is
/// simpler than a streaming API and fast enough; objects keep their members in order.
enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// The number's literal text: metadata takes numbers "as their text" (spec 3.6), and integer
    /// fields parse it themselves.
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([JSONMember])

    /// The last member with this key (duplicate keys: last wins, spec 3.7); nil if absent.
    /// `null` is returned as `.null`: callers treat it as absent.
    subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.last(where: { $0.key == key })?.value
    }

    /// Strings as is; numbers and booleans as their text (lenient input, spec 3.7); nil otherwise.
    var scalarText: String? {
        switch self {
        case .string(let text), .number(let text): return text
        case .bool(let flag): return flag ? "true" : "false"
        case .null, .array, .object: return nil
        }
    }

    /// An array's elements, or a single object read as a one-element array (spec 3.7).
    var elements: [JSONValue] {
        switch self {
        case .array(let items): return items
        case .null: return []
        default: return [self]
        }
    }
}

struct JSONMember: Sendable, Equatable {
    var key: String
    var value: JSONValue
}
