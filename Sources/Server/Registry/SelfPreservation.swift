/// The self-preservation counters of spec 5.2 and 5.3 (Netflix `PeerAwareInstanceRegistryImpl`,
/// `AbstractInstanceRegistry.updateRenewsPerMinThreshold`, `MeasuredRate`):
/// `E` expected clients sending renews, `T` renews-per-minute threshold, `R` renews in the last complete minute.
/// While `R <= T` leases do not expire, so a network partition that silences many clients at once
/// does not empty the registry.
struct SelfPreservation {
    let renewalPercentThreshold: Double
    let expectedClientRenewalIntervalSeconds: Int
    let isEnabled: Bool

    private(set) var expectedClients: Int
    private(set) var threshold = 0
    /// `R`: what the last rotation moved out of `renewsThisMinute`; 0 during the first minute.
    private(set) var renewsLastMinute = 0
    private(set) var renewsThisMinute = 0

    init(settings: RegistrySettings) {
        renewalPercentThreshold = settings.renewalPercentThreshold
        expectedClientRenewalIntervalSeconds = settings.expectedClientRenewalIntervalSeconds
        isEnabled = settings.enableSelfPreservation
        expectedClients = settings.expectedNumberOfClientsSendingRenews
        recomputeThreshold()
    }

    /// `!enabled || (T > 0 && R > T)`: with T = 0 (E = 0, or nothing expected) nothing ever expires.
    var isLeaseExpirationEnabled: Bool {
        !isEnabled || (threshold > 0 && renewsLastMinute > threshold)
    }

    /// Which branch of `isLeaseExpirationEnabled` holds, for the dashboard.
    var expiryReason: LeaseExpiryReason {
        if !isEnabled { return .selfPreservationDisabled }
        return isLeaseExpirationEnabled ? .renewsAboveThreshold : .holdingBelowThreshold
    }

    /// The interval T is computed with (30 when the setting is not positive).
    var effectiveRenewalIntervalSeconds: Int {
        expectedClientRenewalIntervalSeconds > 0 ? expectedClientRenewalIntervalSeconds : 30
    }

    /// Opening for traffic replaces E with the start-up count (5.6 step 4).
    mutating func open(count: Int) {
        expectedClients = count
        recomputeThreshold()
    }

    /// A new lease (4.4 step 3). E stays 0 when 0: a Netflix quirk the spec keeps, which is why the default
    /// open-for-traffic count is 1.
    mutating func leaseAdded() {
        guard expectedClients > 0 else { return }
        expectedClients += 1
        recomputeThreshold()
    }

    /// A cancel or eviction (4.6 step 6).
    mutating func leaseRemoved() {
        guard expectedClients > 0 else { return }
        expectedClients -= 1
        recomputeThreshold()
    }

    /// Only successful renewals count; status updates and registrations do not (5.2).
    mutating func recordRenew() {
        renewsThisMinute &+= 1
    }

    /// The fixed 60 s timer of 5.2.
    mutating func rotate() {
        renewsLastMinute = renewsThisMinute
        renewsThisMinute = 0
    }

    /// 5.3: follow the registry's size upward, or downward by at most the threshold fraction, so a sudden loss
    /// of more than 15 % of the instances keeps the old expectation and self-preservation can trip.
    mutating func updateThreshold(leaseCount: Int) {
        guard Double(leaseCount) > renewalPercentThreshold * Double(expectedClients) || !isEnabled else { return }
        expectedClients = leaseCount
        recomputeThreshold()
    }

    /// `T = (int)(E * (60.0 / interval) * threshold)`, evaluated left to right in doubles as Netflix does,
    /// so the truncation lands on the same integer.
    private mutating func recomputeThreshold() {
        let interval = effectiveRenewalIntervalSeconds
        threshold = Int(Double(expectedClients) * (60.0 / Double(interval)) * renewalPercentThreshold)
    }
}
