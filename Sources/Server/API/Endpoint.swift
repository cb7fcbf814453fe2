/// One case per endpoint of spec 2 (and the operational pages of spec 10), with its path parameters
/// already percent-decoded; app names are upper-cased here, where they enter (spec 1.2).
enum Endpoint: Equatable, Sendable {
    case apps
    case delta
    case app(String)
    case instance(app: String, id: String)
    case instanceStatus(app: String, id: String)
    case instanceMetadata(app: String, id: String)
    case instanceById(String)
    case vip(String)
    case svip(String)
    case status
    case statusOverrides
    case peerReplicationBatch
    /// Anti-entropy (docs/anti-entropy.md); routed only while it is on.
    case peerReplicationDigest
    case asgStatus(String)
    case health
    case info
    case metrics
    case dashboard
    /// The change stream (docs/change-stream.md), server-sent events; GET only.
    case stream

    /// The `Allow` list of this path (spec 2.18).
    var allowedMethods: StaticString {
        switch self {
        case .apps, .delta, .instanceById, .vip, .svip, .status, .statusOverrides, .health, .info, .metrics, .dashboard:
            "GET, HEAD, OPTIONS"
        case .stream: "GET, OPTIONS"
        case .app: "GET, HEAD, POST, OPTIONS"
        case .instance: "GET, HEAD, PUT, DELETE, OPTIONS"
        case .instanceStatus: "PUT, DELETE, OPTIONS"
        case .instanceMetadata: "PUT, OPTIONS"
        case .peerReplicationBatch, .peerReplicationDigest: "POST, OPTIONS"
        case .asgStatus: "PUT, OPTIONS"
        }
    }

    func allows(_ method: HTTPMethod) -> Bool {
        switch method {
        case .options: true
        case .get, .head:
            switch self {
            case .instanceStatus, .instanceMetadata, .peerReplicationBatch, .peerReplicationDigest, .asgStatus: false
            case .stream: method == .get
            default: true
            }
        case .post:
            switch self {
            case .app, .peerReplicationBatch, .peerReplicationDigest: true
            default: false
            }
        case .put:
            switch self {
            case .instance, .instanceStatus, .instanceMetadata, .asgStatus: true
            default: false
            }
        case .delete:
            switch self {
            case .instance, .instanceStatus: true
            default: false
            }
        case .other: false
        }
    }
}
