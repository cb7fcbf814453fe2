/// One page of the registry summarised for the dashboard (spec 4.1): per-application counts by status (from the
/// tally, not a walk), a few instance ids per application, and the expired-but-kept leases of the last eviction
/// run. Every list is bounded, so the value stays small however large the registry is.
struct RegistryCensus {
    struct ApplicationSummary {
        let name: String
        var total = 0
        /// Indexed like `StatusTally.index`.
        var countsByStatus: [Int]
        /// At most the asked number of ids, in the map's order (sorting every application's ids would cost a sort
        /// of the whole registry); the application page lists them all, sorted and paginated.
        var sampleIds: [String] = []

        func count(_ status: InstanceStatus) -> Int { countsByStatus[StatusTally.index(status)] }
    }

    /// When it was read, epoch ms.
    let takenAt: Int64
    /// The asked page of applications, sorted by name.
    let applications: [ApplicationSummary]
    let applicationCount: Int
    let instanceCount: Int
    let expiredKept: ExpiredKeptReport
}

/// Why leases do or do not expire right now (spec 5.2), for the dashboard's explainer.
enum LeaseExpiryReason: Equatable {
    /// `enable-self-preservation=false`: leases always expire.
    case selfPreservationDisabled
    /// R > T: renewals are healthy, leases expire.
    case renewsAboveThreshold
    /// R <= T (or T = 0): self-preservation holds every lease.
    case holdingBelowThreshold
}
