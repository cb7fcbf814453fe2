import Testing
@testable import Server

@Suite struct RegistryStatusOverrideRuleTests {
    struct Row: CustomTestStringConvertible, Sendable {
        let candidate: InstanceStatus
        let override: InstanceStatus?
        let existing: InstanceStatus?
        let isReplication: Bool
        let expected: InstanceStatus
        let rule: String
        var testDescription: String { "\(rule): \(candidate) override \(String(describing: override)) existing \(String(describing: existing)) repl \(isReplication)" }
    }

    static let rows: [Row] = [
        // 1 DownOrStartingRule: bad news believed, even over an override or an UP lease.
        Row(candidate: .down, override: .outOfService, existing: .up, isReplication: false, expected: .down, rule: "1"),
        Row(candidate: .starting, override: .up, existing: .up, isReplication: false, expected: .starting, rule: "1"),
        Row(candidate: .unknown, override: nil, existing: .up, isReplication: true, expected: .unknown, rule: "1"),
        // 2 OverrideExistsRule
        Row(candidate: .up, override: .outOfService, existing: .up, isReplication: false, expected: .outOfService, rule: "2"),
        Row(candidate: .outOfService, override: .up, existing: nil, isReplication: true, expected: .up, rule: "2"),
        Row(candidate: .up, override: .unknown, existing: nil, isReplication: false, expected: .unknown, rule: "2"),
        // 3 LeaseExistsRule: client claims do not overturn UP / OUT_OF_SERVICE.
        Row(candidate: .outOfService, override: nil, existing: .up, isReplication: false, expected: .up, rule: "3"),
        Row(candidate: .up, override: nil, existing: .outOfService, isReplication: false, expected: .outOfService, rule: "3"),
        // 3 skipped: replication, or an existing status that is not UP / OUT_OF_SERVICE, or no lease.
        Row(candidate: .up, override: nil, existing: .outOfService, isReplication: true, expected: .up, rule: "4"),
        Row(candidate: .up, override: nil, existing: .starting, isReplication: false, expected: .up, rule: "4"),
        Row(candidate: .up, override: nil, existing: .down, isReplication: false, expected: .up, rule: "4"),
        Row(candidate: .outOfService, override: nil, existing: nil, isReplication: false, expected: .outOfService, rule: "4"),
    ]

    @Test(arguments: rows)
    func firstMatchingRuleDecidesTheStatus(_ row: Row) {
        let input = StatusOverrideRule.Input(candidate: row.candidate, existing: row.existing, isReplication: row.isReplication)
        #expect(StatusOverrideRule.effectiveStatus(input) { row.override } == row.expected)
    }

    @Test func downOrStartingRuleDoesNotReadTheOverrideMap() {
        var reads = 0
        let input = StatusOverrideRule.Input(candidate: .down, existing: .up, isReplication: false)
        _ = StatusOverrideRule.effectiveStatus(input) { reads += 1; return .up }
        #expect(reads == 0)
    }

    // MARK: the worked cases of 4.3, through the registry

    @Test func newInstanceRegistersStartingThenUp() {
        let h = RegistryHarness()
        #expect(h.register(instance("a", status: .starting)).status == .starting)
        #expect(h.register(instance("a", status: .up)).status == .up)
    }

    @Test func overrideSurvivesReRegistrationClaimingUp() {
        let h = RegistryHarness()
        h.register(instance("a"))
        _ = h.registry.statusUpdate(app: "ORDERS", id: "a", to: .outOfService, lastDirtyTimestamp: nil, isReplication: false)
        let stored = h.register(instance("a", status: .up))
        #expect(stored.status == .outOfService)
        #expect(stored.overriddenStatus == .outOfService)
    }

    @Test(arguments: [InstanceStatus.starting, .down])
    func reRegistrationWithBadNewsWinsButKeepsOverride(_ status: InstanceStatus) {
        let h = RegistryHarness()
        h.register(instance("a"))
        _ = h.registry.statusUpdate(app: "ORDERS", id: "a", to: .outOfService, lastDirtyTimestamp: nil, isReplication: false)
        #expect(h.register(instance("a", status: status)).status == status)
        #expect(h.registry.overriddenStatus(id: "a") == .outOfService)
    }

    @Test func clientClaimingOutOfServiceOverExistingUpStaysUp() {
        let h = RegistryHarness()
        h.register(instance("a"))
        #expect(h.register(instance("a", status: .outOfService)).status == .up)
    }

    @Test func existingOutOfServiceKeptAgainstClientUpButNotAgainstReplication() {
        let h = RegistryHarness()
        h.register(instance("a", status: .outOfService))
        #expect(h.register(instance("a", status: .up)).status == .outOfService)
        #expect(h.register(instance("a", status: .up), replication: true).status == .up)
    }

    @Test func statusUnknownOverrideFailsHeartbeatsAndForcesReRegistrationsToUnknown() {
        let h = RegistryHarness()
        h.register(instance("a"))
        _ = h.registry.statusUpdate(app: "ORDERS", id: "a", to: .unknown, lastDirtyTimestamp: nil, isReplication: false)
        #expect(h.renew("a") == .unknownInstance)
        #expect(h.register(instance("a", status: .up)).status == .unknown)
        #expect(h.renew("a") == .unknownInstance)
        _ = h.registry.deleteStatusOverride(app: "ORDERS", id: "a", newStatus: .up, lastDirtyTimestamp: nil, isReplication: false)
        #expect(h.renew("a") == .renewed)
        #expect(h.stored("a")?.lastDirtyTimestamp == 1_000)
    }
}
