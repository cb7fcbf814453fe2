/// The first-match-wins chain that computes an instance's effective status on every register and renew
/// (spec 4.3; Netflix `registry/rule/*`, `FirstMatchWinsCompositeRule`). No ASG rule (OUR choice, 4.3).
enum StatusOverrideRule: Sendable {
    /// The instance's own bad news (DOWN, STARTING, UNKNOWN) is always believed.
    case downOrStarting
    /// An operator's override wins over whatever the instance claims.
    case overrideExists
    /// A client's claim does not overturn the server's UP / OUT_OF_SERVICE view; replication is trusted instead.
    case leaseExists
    case alwaysMatch

    /// The chain in Netflix's order. A stored array, not `allCases`, which would allocate on every renew.
    static let chain: [StatusOverrideRule] = [.downOrStarting, .overrideExists, .leaseExists, .alwaysMatch]

    /// What a rule sees. `override` is read lazily: rule 1 decides without touching the override map,
    /// so (as upstream) a DOWN instance's renewals do not refresh its override's access time.
    struct Input {
        /// The registrant on register, the stored record on renew.
        var candidate: InstanceStatus
        /// The status held by the existing lease's record, nil when there is no lease.
        var existing: InstanceStatus?
        var isReplication: Bool
    }

    func match(_ input: Input, override: () -> InstanceStatus?) -> InstanceStatus? {
        switch self {
        case .downOrStarting:
            return input.candidate.isUpOrOutOfService ? nil : input.candidate
        case .overrideExists:
            return override()
        case .leaseExists:
            guard !input.isReplication, let existing = input.existing, existing.isUpOrOutOfService else { return nil }
            return existing
        case .alwaysMatch:
            return input.candidate
        }
    }

    /// Runs the chain; `alwaysMatch` guarantees an answer.
    static func effectiveStatus(_ input: Input, override: () -> InstanceStatus?) -> InstanceStatus {
        for rule in chain {
            if let status = rule.match(input, override: override) { return status }
        }
        return input.candidate
    }
}

extension InstanceStatus {
    var isUpOrOutOfService: Bool { self == .up || self == .outOfService }
}
