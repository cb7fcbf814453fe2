/// One application of a document: its upper-case name and instances ordered by id (spec 3.8).
struct Application: Sendable, Equatable {
    var name: String
    var instances: [InstanceInfo]

    init(name: String, instances: [InstanceInfo] = []) {
        self.name = name
        self.instances = instances
    }
}

/// A registry document: full fetch, delta, VIP answer (spec 3.9).
struct Applications: Sendable, Equatable {
    /// `1` for a full fetch, the delta counter for a delta, `-1` for VIP answers (spec 5.5).
    var versionsDelta: Int64
    var appsHashCode: String
    /// Ordered by name (spec 3.9, OUR choice).
    var applications: [Application]

    init(versionsDelta: Int64 = 1, appsHashCode: String = "", applications: [Application] = []) {
        self.versionsDelta = versionsDelta
        self.appsHashCode = appsHashCode
        self.applications = applications
    }

    /// The reconcile hash code (spec 3.10): `<STATUS>_<count>_` for each status with a non-zero count,
    /// sorted by status name. Empty registry -> "".
    static func reconcileHashCode<S: Sequence>(statuses: S) -> String where S.Element == InstanceStatus {
        var counts: [InstanceStatus: Int] = [:]
        for status in statuses { counts[status, default: 0] += 1 }
        var code = ""
        for status in InstanceStatus.allCases.sorted() {
            if let count = counts[status], count > 0 { code += "\(status.rawValue)_\(count)_" }
        }
        return code
    }

    var allInstances: [InstanceInfo] { applications.flatMap(\.instances) }
}
