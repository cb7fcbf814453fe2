/// Netflix's RateLimitingFilter (spec 8): two token buckets shared by every client guard the registry
/// fetches. Off by default; when off, fetches over the limit are still counted (Netflix's "candidates")
/// and served. Loop thread only.
final class FetchRateLimiter {
    struct Settings: Sendable {
        /// Over the limit answers 503; false counts only.
        var enabled = false
        /// Limit `DefaultClient`/`DefaultServer` and the privileged list too.
        var throttleStandardClients = false
        /// `DiscoveryIdentity-Name`s never limited, besides the two standard ones.
        var privilegedClients: [String] = []
        var burstSize = 10
        var registryFetchAverageRate = 500
        var fullFetchAverageRate = 100
        init() {}
    }

    /// What a fetch is, for the buckets: every covered fetch charges the registry bucket, a full fetch
    /// charges the full-fetch bucket as well.
    enum Target: Equatable {
        case fullFetch, deltaFetch, applicationFetch
    }

    struct Counters: Sendable {
        /// Fetches that found a bucket empty (served or not).
        var overLimit = 0
        /// Of those, answered 503 (the limiter enabled).
        var rejected = 0
    }

    private let settings: Settings
    private let privileged: Set<String>
    private var registryFetches: TokenBucket
    private var fullFetches: TokenBucket
    private(set) var counters = Counters()

    init(settings: Settings) {
        self.settings = settings
        privileged = Set(["DefaultClient", "DefaultServer"] + settings.privilegedClients)
        registryFetches = TokenBucket(capacity: settings.burstSize, perSecond: settings.registryFetchAverageRate)
        fullFetches = TokenBucket(capacity: settings.burstSize, perSecond: settings.fullFetchAverageRate)
    }

    /// The covered requests (spec 8): `GET …/apps`, `…/apps/`, `…/apps/delta`, `…/apps/{app}`.
    static func target(of endpoint: Endpoint, _ method: HTTPMethod) -> Target? {
        guard method == .get else { return nil }
        switch endpoint {
        case .apps: return .fullFetch
        case .delta: return .deltaFetch
        case .app: return .applicationFetch
        default: return nil
        }
    }

    /// Whether the request is answered; false means 503. `clientName` is its `DiscoveryIdentity-Name`.
    func admits(_ target: Target, clientName: String?, now: Int64) -> Bool {
        if !settings.throttleStandardClients, let clientName, privileged.contains(clientName) { return true }
        // The full-fetch bucket is charged only when the registry bucket had a token, as upstream does.
        var within = registryFetches.take(now: now)
        if within, target == .fullFetch { within = fullFetches.take(now: now) }
        guard !within else { return true }
        counters.overLimit += 1
        guard settings.enabled else { return true }
        counters.rejected += 1
        return false
    }
}
