/// Bounds on what one client can make the registry hold (issue #18): the number of instances, and per record the
/// metadata entries and the size of each key and value, so a record's size is bounded however it was written
/// (registration, metadata updates, a peer's batch). Loop-free and pure: the registry asks, the API answers.
///
/// The metadata defaults sit far above what real clients send (Spring Cloud's `DiscoveryClient` registers a handful
/// of keys: `management.port`, `zone`, `instanceId`, version and git tags; Netflix's client none by default).
struct RegistryLimits: Sendable, Equatable {
    /// New instances beyond this many are refused (`eureka.node.max-instances`); 0 means no limit.
    var maxInstances = 0
    /// `eureka.node.max-metadata-entries`: entries of one metadata map (the instance's, or its data center's).
    var maxMetadataEntries = 256
    /// `eureka.node.max-metadata-key-bytes`: UTF-8 bytes of one key.
    var maxMetadataKeyBytes = 256
    /// `eureka.node.max-metadata-value-bytes`: UTF-8 bytes of one value.
    var maxMetadataValueBytes = 4_096

    init() {}

    /// JSON values or XML elements a registration body may hold: its two metadata maps at their bound, plus
    /// room for every other field many times over (a Java client's record has about 60). Parsing stops past it,
    /// so a body of 70,000 metadata keys costs the loop this many values, not the whole body.
    var registrationValueBudget: Int { 2 * maxMetadataEntries + 1_024 }

    /// The first bound `record` breaks, as the short message a 400 carries; nil when it fits.
    func metadataViolation(_ record: InstanceInfo) -> String? {
        if let message = violation(record.metadata) { return message }
        if let dataCenter = record.dataCenterInfo { return violation(dataCenter.metadata) }
        return nil
    }

    func violation(_ metadata: Metadata) -> String? {
        if metadata.count > maxMetadataEntries {
            return "metadata has \(metadata.count) entries, more than the limit of \(maxMetadataEntries)"
        }
        for entry in metadata {
            if entry.key.utf8.count > maxMetadataKeyBytes {
                return "metadata key longer than the limit of \(maxMetadataKeyBytes) bytes"
            }
            if entry.value.utf8.count > maxMetadataValueBytes {
                return "metadata value of \(String(entry.key.prefix(64))) longer than the limit of \(maxMetadataValueBytes) bytes"
            }
        }
        return nil
    }

    /// The 503 message when the registry is full.
    var fullMessage: String { "registry full: max-instances (\(maxInstances)) reached" }
}

/// Why the registry refused a change: the API maps each to its status.
enum RegistryRejection: Sendable, Equatable {
    /// A bound on the record itself was broken: 400 with the message.
    case recordTooLarge(String)
    /// A new instance while `maxInstances` are registered: 503 with the message.
    case registryFull(String)
}

extension RegistryRejection {
    var message: String {
        switch self {
        case .recordTooLarge(let text), .registryFull(let text): text
        }
    }
}
