/// One application of a document: its upper-case name and instances ordered by id (spec 3.8).
public struct Application: Sendable, Equatable {
    public var name: String
    public var instances: [InstanceInfo]

    public init(name: String, instances: [InstanceInfo] = []) {
        self.name = name
        self.instances = instances
    }
}

/// A registry document: full fetch, delta, VIP answer (spec 3.9).
public struct Applications: Sendable, Equatable {
    /// `1` for a full fetch, the delta counter for a delta, `-1` for VIP answers (spec 5.5).
    public var versionsDelta: Int64
    public var appsHashCode: String
    /// Ordered by name (spec 3.9, OUR choice).
    public var applications: [Application]

    public init(versionsDelta: Int64 = 1, appsHashCode: String = "", applications: [Application] = []) {
        self.versionsDelta = versionsDelta
        self.appsHashCode = appsHashCode
        self.applications = applications
    }

    /// The reconcile hash code (spec 3.10): `<STATUS>_<count>_` for each status with a non-zero count,
    /// sorted by status name. Empty registry -> "".
    public static func reconcileHashCode<S: Sequence>(statuses: S) -> String where S.Element == InstanceStatus {
        var counts: [InstanceStatus: Int] = [:]
        for status in statuses { counts[status, default: 0] += 1 }
        var code = ""
        for status in InstanceStatus.allCases.sorted() {
            if let count = counts[status], count > 0 { code += "\(status.rawValue)_\(count)_" }
        }
        return code
    }

    public var allInstances: [InstanceInfo] { applications.flatMap(\.instances) }
}
