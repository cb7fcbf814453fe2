/// The roles a credential can hold (issue 18). Spring's user holds them all.
struct Roles: OptionSet, Sendable {
    let rawValue: UInt8
    static let writer = Roles(rawValue: 1)
    static let reader = Roles(rawValue: 2)
    static let peer = Roles(rawValue: 4)
    static let `operator` = Roles(rawValue: 8)
    static let all: Roles = [.writer, .reader, .peer, .operator]
}

/// Every configured user name and password with its roles, and the one check of a pair a client sent.
///
/// The check takes the same time whatever the stored names and passwords are: every entry is compared, every
/// byte of the given name and password is compared (against the stored bytes, wrapping around when the stored
/// one is shorter), and no comparison stops early. What the time depends on is the length of what the client
/// sent and the number of entries, both known to the client. The first name or password byte that differs,
/// whether the name exists, and which entry matched cannot be told apart by timing.
struct CredentialStore: Sendable {
    private struct Entry: Sendable {
        let user: [UInt8]
        let password: [UInt8]
        let roles: Roles
    }

    private let entries: [Entry]

    init(_ settings: SecuritySettings) {
        var entries: [Entry] = []
        func add(_ credentials: [SecuritySettings.Credential], _ roles: Roles) {
            entries += credentials.map { Entry(user: Array($0.user.utf8), password: Array($0.password.utf8), roles: roles) }
        }
        if let spring = settings.springUser { add([spring], .all) }
        add(settings.writers, .writer)
        add(settings.readers, .reader)
        add(settings.peers, .peer)
        add(settings.operators, .operator)
        self.entries = entries
    }

    var isEmpty: Bool { entries.isEmpty }

    /// The union of the roles of every entry whose name and password both equal the given ones; empty when none.
    func roles(user: UnsafeBufferPointer<UInt8>, password: UnsafeBufferPointer<UInt8>) -> Roles {
        var granted: UInt8 = 0
        for entry in entries {
            let differs = Self.difference(user, entry.user) | Self.difference(password, entry.password)
            // All ones when both matched, zero otherwise: a mask, not a branch on the comparison.
            let mask = UInt8(truncatingIfNeeded: (Int(differs) - 1) >> 8)
            granted |= entry.roles.rawValue & mask
        }
        return Roles(rawValue: granted)
    }

    /// Zero when equal; loops over every given byte (stored passwords are never empty, so `stored` has a byte to
    /// compare each with) and folds the length difference in, without an early exit.
    private static func difference(_ given: UnsafeBufferPointer<UInt8>, _ stored: [UInt8]) -> UInt8 {
        var differs: UInt8 = given.count == stored.count ? 0 : 1
        stored.withUnsafeBufferPointer { stored in
            var j = 0
            for byte in given {
                differs |= byte ^ stored[j]
                j += 1
                if j == stored.count { j = 0 }
            }
        }
        return differs
    }
}
