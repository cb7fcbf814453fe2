/// The Responder of the node: routes each request and answers it. Endpoint groups live in their own
/// files as extensions; this file holds dispatch and the method checks of spec 2.18. The API picks
/// status codes; the registry applies the rules.
final class EurekaAPI: Responder {
    struct Settings {
        var syncWhenTimestampDiffers = true
        var disableDelta = false
        var maxBodyBytes = 1024 * 1024
        var rateLimiter = FetchRateLimiter.Settings()
        /// Seconds in the `Retry-After` of a fetch refused because the node is overloaded.
        var overloadRetryAfterSeconds = 1
    }

    let router: Router
    let registry: InstanceRegistry
    let cache: ResponseCache
    let status: StatusPage
    let settings: Settings
    let time: TimeSource
    /// False while the start-up sync runs or the empty-sync window is open (spec 5.6): cached reads get 403.
    var readsOpen: () -> Bool = { true }
    /// False while the node is overloaded (its loop late or its bulk writes backed up): full and delta fetches
    /// get 503 with `Retry-After`, so heartbeats and registrations keep their latency. Wired by the node.
    var admitsBulkFetch: () -> Bool = { true }
    /// Where a digest answer is encoded and gzipped (docs/anti-entropy.md): the node's thread pool, so the loop only
    /// collects the states; nil (tests) encodes at once.
    var digestRunner: OffLoopRunner?
    /// How that 503 is answered: at once, or later (the node's guard delays it, see OverloadGuard).
    var deliverOverloadRefusal: (Response) -> Reply = { .now($0) }
    /// Recent register bodies' metadata objects by their bytes: the next instance of an application decodes its
    /// (usually identical) metadata without reading it again.
    let metadataReuse = MetadataReuse()
    /// Spec 8: the registry fetches' token buckets.
    let rateLimiter: FetchRateLimiter
    /// Peer batches received and their items (spec 7.5), for /metrics.
    private(set) var replicationReceived = (batches: 0, items: 0)

    /// Digests answered with differing applications and the loop time spent on them (NodeStatus.digestAnswers).
    var digestAnswers = (count: 0, loopMicros: 0)

    func countReceived(items: Int) {
        replicationReceived.batches += 1
        replicationReceived.items += items
    }
    /// Who may call what (issue 18); nil when no credential is configured: authentication off. A constant, so the
    /// heartbeat path pays one nil test for it (no exclusivity check).
    let access: AccessPolicy?
    /// The change stream and the long-poll delta (docs/change-stream.md); nil while off.
    var changeStream: StreamHub?
    /// The operational pages (spec 10), rendered by their own types.
    var operationalPage: (Endpoint, Request) -> Response = { _, _ in .empty(404) }

    init(router: Router, registry: InstanceRegistry, cache: ResponseCache, status: StatusPage, settings: Settings, time: TimeSource,
         access: AccessPolicy? = nil) {
        self.access = access
        self.router = router
        self.registry = registry
        self.cache = cache
        self.status = status
        self.settings = settings
        self.time = time
        rateLimiter = FetchRateLimiter(settings: settings.rateLimiter)
    }

    /// Requests by endpoint class and status, and their latency (spec 10), for /metrics.
    let requestMetrics = RequestMetrics()

    /// Answers and records the answer's class, status and latency (a late reply when it is complete).
    func respond(to request: Request) -> Reply {
        let started = Monotonic.micros()
        let (path, query) = Query.split(request.url)
        // The heartbeat first: found by its path bytes it makes no String (the same answer as `answer`'s renew,
        // which every other request, and a heartbeat whose lease this lookup misses, goes through).
        if request.method == .put, access == nil, let response = renewByPath(path, request, query) {
            requestMetrics.record(.renew, status: response.status, micros: Monotonic.micros() - started)
            return .now(response)
        }
        let endpoint = router.route(path)
        let endpointClass = RequestMetrics.EndpointClass(endpoint, request.method)
        let reply = respond(to: request, endpoint, query)
        switch reply {
        case .now(let response):
            requestMetrics.record(endpointClass, status: response.status, micros: Monotonic.micros() - started)
            return reply
        case .later(let pending):
            // Only large payloads built off the loop come here: the extra reply is not on the heartbeat path.
            let recorded = PendingReply()
            recorded.relayCancel(to: pending)  // a held long poll is let go when its client leaves
            pending.onComplete { [requestMetrics] response in
                requestMetrics.record(endpointClass, status: response.status, micros: Monotonic.micros() - started)
                recorded.complete(response)
            }
            return .later(recorded)
        case .channel:
            requestMetrics.record(endpointClass, status: 200, micros: Monotonic.micros() - started)
            return reply
        }
    }

    private func respond(to request: Request, _ endpoint: Endpoint?, _ query: Query) -> Reply {
        if let refusal = accessRefusal(endpoint, request) { return .now(refusal) }
        guard let endpoint else { return .now(.empty(404)) }
        if endpoint == .stream, changeStream == nil { return .now(.empty(404)) }  // off: an unknown path
        guard endpoint.allows(request.method) else { return .now(Self.listingAllow(405, endpoint)) }
        if request.method == .options { return .now(Self.listingAllow(200, endpoint)) }
        if request.method == .get || request.method == .head, let entity = Self.cachedEntity(endpoint) {
            if case .delta = entity, settings.disableDelta { return .now(.empty(403)) }
            if let refusal = admissionRefusal(endpoint, request) { return refusal }
            if case .delta = entity, let hub = changeStream { return sequencedDelta(request, query, hub: hub) }
            return cachedReply(entity, request)  // may answer later: a large payload is built off the loop
        }
        if endpoint == .stream { return openStream(request, query) }
        if endpoint == .peerReplicationDigest, request.method == .post { return peerReplicationDigest(request) }
        return .now(answer(endpoint, request, query))
    }

    /// A fetch turned away before the cache is asked: over the rate limit (spec 8: 503, empty body), or a
    /// full or delta fetch while the node is overloaded (503 with `Retry-After`, beyond Netflix).
    private func admissionRefusal(_ endpoint: Endpoint, _ request: Request) -> Reply? {
        guard let target = FetchRateLimiter.target(of: endpoint, request.method) else { return nil }
        if target != .applicationFetch, !admitsBulkFetch() {
            var response = Response.empty(503)
            response.retryAfterSeconds = settings.overloadRetryAfterSeconds
            return deliverOverloadRefusal(response)
        }
        let client = request.headerString("DiscoveryIdentity-Name")
        return rateLimiter.admits(target, clientName: client, now: time.nowMillis()) ? nil : .now(.empty(503))
    }

    /// `Expect: 100-continue`: refuse before the body is sent when the answer cannot be anything but an
    /// error (spec 1.8): unknown path, wrong method, or a body type this endpoint does not take.
    func refusal(beforeBody request: Request) -> Response? {
        let endpoint = router.route(Query.split(request.url).path)
        if let refusal = accessRefusal(endpoint, request) { return refusal }
        guard let endpoint else { return .empty(404) }
        if endpoint == .stream, changeStream == nil { return .empty(404) }
        guard endpoint.allows(request.method) else { return Self.listingAllow(405, endpoint) }
        guard request.method == .post else { return nil }
        let errorJSON = RequestBody.errorIsJSON(request)
        let unsupported = RequestBody.Failure.unsupportedMediaType.response(json: errorJSON)
        guard let (format, _) = RequestBody.format(of: request) else { return unsupported }
        if endpoint == .peerReplicationBatch || endpoint == .peerReplicationDigest, format != .json { return unsupported }
        return nil
    }

    /// Checked before anything else looks at the request, unknown paths included, so a stranger learns nothing
    /// about what exists. With authentication off this is one branch.
    @inline(__always)
    private func accessRefusal(_ endpoint: Endpoint?, _ request: Request) -> Response? {
        guard let access else { return nil }
        let decision = access.decide(endpoint, request)
        return decision == .allow ? nil : AccessPolicy.refusal(decision, json: Negotiation.prefersJSON(request))
    }

    /// The endpoints served from the response cache (spec 6.1).
    private static func cachedEntity(_ endpoint: Endpoint) -> CacheEntity? {
        switch endpoint {
        case .apps: .allApps
        case .delta: .delta
        case .app(let name): .app(name)
        case .vip(let name): .vip(name)
        case .svip(let name): .svip(name)
        default: nil
        }
    }

    private func answer(_ endpoint: Endpoint, _ request: Request, _ query: Query) -> Response {
        switch endpoint {
        case .instance(let app, let id):
            switch request.method {
            case .put: return renew(app: app, id: id, request, query)
            case .delete: return cancel(app: app, id: id, request)
            default: return instance(registry.visibleInstance(app: app, id: id), request)
            }
        case .app(let app): return register(app: app, request)  // GET and HEAD went to the cache above
        case .apps, .delta, .vip, .svip: return .empty(404)     // unreachable: GET and HEAD only, cached above
        case .instanceById(let id): return instance(registry.visibleInstance(id: id), request)
        case .instanceStatus(let app, let id):
            return request.method == .put
                ? statusUpdate(app: app, id: id, request, query)
                : deleteStatusOverride(app: app, id: id, request, query)
        case .instanceMetadata(let app, let id): return updateMetadata(app: app, id: id, request, query)
        case .status: return status.render(json: Negotiation.prefersJSON(request))
        case .statusOverrides: return statusOverrides()
        case .asgStatus: return .empty(400)  // a non-AWS registry answers 400 to every ASG request (spec 2.17)
        case .peerReplicationBatch: return peerReplicationBatch(request)
        case .peerReplicationDigest: return .empty(404)  // unreachable: POST answered above, may answer later
        case .health, .info, .metrics, .dashboard: return operationalPage(endpoint, request)
        case .stream: return .empty(404)  // unreachable: answered above
        }
    }

    /// 405 for a wrong method and 200 for OPTIONS, both with the path's `Allow` list (spec 2.18).
    private static func listingAllow(_ status: Int, _ endpoint: Endpoint) -> Response {
        var response = Response.empty(status)
        response.allow = endpoint.allowedMethods
        return response
    }

    /// Error bodies (spec 1.9): `{"error":"..."}` or `<error><message>...</message></error>`.
    static func error(_ status: Int, _ message: String, json: Bool) -> Response {
        Response(status: status, contentType: json ? .json : .xml,
                 body: .bytes(ErrorBody.encode(message: message, format: json ? .json : .xml)))
    }
}
