/// The lease view written on every read (spec 3.5). On input only the two intervals are used.
public struct LeaseInfo: Sendable, Equatable {
    public var renewalIntervalInSecs: Int = 30
    public var durationInSecs: Int = 90
    public var registrationTimestamp: Int64 = 0
    public var lastRenewalTimestamp: Int64 = 0
    public var evictionTimestamp: Int64 = 0
    public var serviceUpTimestamp: Int64 = 0

    public init(renewalIntervalInSecs: Int = 30, durationInSecs: Int = 90) {
        self.renewalIntervalInSecs = renewalIntervalInSecs
        self.durationInSecs = durationInSecs
    }
}
