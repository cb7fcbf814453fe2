/// Who may call what (issue 18): each request falls in one access class, each class accepts some roles, and the
/// credentials of the request are checked once, before the request reaches its endpoint. Built once per node;
/// nil in the API when no credential is configured, so a node without authentication pays one branch.
///
/// | class       | endpoints                                                                  | accepted roles                    |
/// |-------------|----------------------------------------------------------------------------|-----------------------------------|
/// | open        | `/actuator/health`, `/health`                                              | anyone                            |
/// | read        | GET/HEAD apps, delta, app, instance, vips, svips; OPTIONS; unknown paths   | any credential (open: see below)  |
/// | write       | register, renew, cancel, status and its removal, metadata, ASG status      | Spring user, writer, peer         |
/// | replication | `/peerreplication/batch`, `/peerreplication/digest`; any request with `x-netflix-discovery-replication: true` | Spring user, peer         |
/// | operate     | dashboard, `/status`, `/serverinfo/*`, metrics, info                       | Spring user, operator             |
///
/// Reads are open while neither the Spring user nor readers are configured, and the operator pages while neither
/// the Spring user nor operators are: listing only writers protects writes and leaves discovery open.
final class AccessPolicy: Sendable {
    enum AccessClass: Equatable {
        case open, read, write, replication, operate
    }

    enum Decision: Equatable {
        case allow
        /// No credentials, malformed ones, an unknown user or a wrong password: alike on the wire.
        case unauthorized
        /// Valid credentials without the role (Spring Security's answer too).
        case forbidden
    }

    private let store: CredentialStore
    private let readsOpen: Bool
    private let operatorPagesOpen: Bool

    /// nil when nothing is configured: authentication is off.
    init?(_ settings: SecuritySettings) {
        guard settings.isEnabled else { return nil }
        store = CredentialStore(settings)
        readsOpen = settings.springUser == nil && settings.readers.isEmpty
        operatorPagesOpen = settings.springUser == nil && settings.operators.isEmpty
    }

    func decide(_ endpoint: Endpoint?, _ request: Request) -> Decision {
        let accessClass = Self.accessClass(endpoint, request.method, replicated: Negotiation.isReplication(request))
        let accepted: Roles
        switch accessClass {
        case .open: return .allow
        case .read:
            if readsOpen { return .allow }
            accepted = .all
        case .write: accepted = [.writer, .peer]
        case .replication: accepted = .peer
        case .operate:
            if operatorPagesOpen { return .allow }
            accepted = .operator
        }
        let held = roles(of: request)
        if held.isEmpty { return .unauthorized }
        return held.isDisjoint(with: accepted) ? .forbidden : .allow
    }

    /// The roles of the request's credentials; empty without valid ones.
    private func roles(of request: Request) -> Roles {
        guard let header = request.header("Authorization") else { return [] }
        return BasicCredentials.withDecoded(header) { user, password in store.roles(user: user, password: password) } ?? []
    }

    /// The class of a request. A replicated request is a peer's whatever its endpoint: it skips rules a client's
    /// request is held to (spec 1.7), so a writer may not send one. Health stays open for load balancers.
    static func accessClass(_ endpoint: Endpoint?, _ method: HTTPMethod, replicated: Bool) -> AccessClass {
        if endpoint == .health { return .open }
        if replicated { return .replication }
        guard let endpoint else { return .read }
        switch endpoint {
        case .health: return .open
        case .apps, .delta, .vip, .svip, .instanceById, .stream: return .read
        case .app: return method == .post ? .write : .read
        case .instance: return method == .put || method == .delete ? .write : .read
        case .instanceStatus, .instanceMetadata, .asgStatus: return method == .options ? .read : .write
        case .peerReplicationBatch, .peerReplicationDigest: return method == .options ? .read : .replication
        case .status, .statusOverrides, .metrics, .info, .dashboard: return .operate
        }
    }

    /// 401 with the Basic challenge, or 403; a short body that says nothing of what failed.
    static func refusal(_ decision: Decision, json: Bool) -> Response {
        if decision == .forbidden { return EurekaAPI.error(403, "forbidden", json: json) }
        var response = EurekaAPI.error(401, "authentication required", json: json)
        response.challenge = "Basic realm=\"eureka\""
        return response
    }
}
