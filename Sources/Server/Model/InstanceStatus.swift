/// The five statuses of the wire (spec 3.1). Raw values are the exact wire spellings.
enum InstanceStatus: String, Sendable, CaseIterable, Comparable {
    case up = "UP"
    case down = "DOWN"
    case starting = "STARTING"
    case outOfService = "OUT_OF_SERVICE"
    case unknown = "UNKNOWN"

    /// Lenient body input (spec 3.1, OUR choice): case-insensitive, anything else is UNKNOWN.
    init(lenient text: String) {
        self = InstanceStatus(rawValue: text.uppercased()) ?? .unknown
    }

    /// Strict query input (`value=`, `overriddenstatus=`): exact upper-case names only.
    init?(exact text: Substring) {
        self.init(rawValue: String(text))
    }

    /// Byte order of the enum names, as the reconcile hash code sorts them (spec 3.10).
    static func < (a: InstanceStatus, b: InstanceStatus) -> Bool { a.rawValue < b.rawValue }
}

/// Set by the server on every change (spec 3.1); input values are ignored.
enum ActionType: String, Sendable {
    case added = "ADDED"
    case modified = "MODIFIED"
    case deleted = "DELETED"
}
