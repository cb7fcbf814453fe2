/// The lease view written on every read (spec 3.5). On input only the two intervals are used.
struct LeaseInfo: Sendable, Equatable {
    var renewalIntervalInSecs: Int = 30
    var durationInSecs: Int = 90
    var registrationTimestamp: Int64 = 0
    var lastRenewalTimestamp: Int64 = 0
    var evictionTimestamp: Int64 = 0
    var serviceUpTimestamp: Int64 = 0

    init(renewalIntervalInSecs: Int = 30, durationInSecs: Int = 90) {
        self.renewalIntervalInSecs = renewalIntervalInSecs
        self.durationInSecs = durationInSecs
    }
}
