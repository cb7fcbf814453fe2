/// One walk of the registry summarised for the dashboard (spec 4.1): per-application counts by status, a few
/// instance ids per application, and the leases that are expired but kept because lease expiration is off.
/// Every list is bounded, so the value stays small however large the registry is.
struct RegistryCensus {
    struct ApplicationSummary {
        let name: String
        var total = 0
        /// Indexed like `InstanceStatus.allCases`.
        var countsByStatus = [Int](repeating: 0, count: InstanceStatus.allCases.count)
        /// At most `sampleLimit` ids, in the map's order (sorting every application's ids would cost a sort of the
        /// whole registry); the application page lists them all, sorted and paginated.
        var sampleIds: [String] = []

        func count(_ status: InstanceStatus) -> Int {
            countsByStatus[InstanceStatus.allCases.firstIndex(of: status)!]
        }
    }

    struct ExpiredLease {
        let app: String
        let id: String
        /// When the lease would have expired (last renewal arithmetic of 4.2), epoch ms.
        let dueAt: Int64
    }

    /// When the walk ran, epoch ms.
    let takenAt: Int64
    /// Sorted by name.
    let applications: [ApplicationSummary]
    let instanceCount: Int
    /// At most `expiredLimit` of them, in the map's order.
    let expiredKept: [ExpiredLease]
    let expiredKeptCount: Int
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
