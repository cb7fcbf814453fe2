/// Requests by endpoint class and status code, and latency histograms per class (spec 10), in fixed tables
/// allocated once: recording a request is a few stores, no allocation and no exclusivity check (it is on the
/// heartbeat path). Loop thread only.
final class RequestMetrics {
    /// The endpoint classes of the metrics (label `endpoint`).
    enum EndpointClass: Int, CaseIterable {
        case register, renew, cancel, apps, delta, app, instance, vip, statusOverride, metadata, status, batch, asg,
             operational, unrouted

        var label: String {
            switch self {
            case .statusOverride: "status_override"
            default: "\(self)"
            }
        }
    }

    /// The status codes the API answers with, each with its own counter; anything else counts as `other`.
    static let statusCodes = [200, 204, 304, 400, 401, 403, 404, 405, 406, 408, 409, 413, 415, 431, 500, 503]
    /// Upper bounds of the latency buckets in microseconds (the label `le` in seconds); +Inf is implied.
    static let bucketMicros = [100, 500, 1_000, 5_000, 10_000, 50_000, 100_000, 500_000, 1_000_000]

    static let classCount = EndpointClass.allCases.count
    static let statusSlots = statusCodes.count + 1
    static let bucketSlots = bucketMicros.count + 1

    /// What the metrics page renders: plain arrays, copied once per scrape.
    struct Snapshot: Sendable {
        /// `[class * statusSlots + slot]`.
        var byStatus: [Int]
        /// `[class * bucketSlots + bucket]`, not cumulative; the last bucket is above every bound.
        var buckets: [Int]
        var sumMicros: [Int]
    }

    private let byStatus: UnsafeMutableBufferPointer<Int>
    private let buckets: UnsafeMutableBufferPointer<Int>
    private let sumMicros: UnsafeMutableBufferPointer<Int>

    init() {
        byStatus = .allocate(capacity: Self.classCount * Self.statusSlots)
        buckets = .allocate(capacity: Self.classCount * Self.bucketSlots)
        sumMicros = .allocate(capacity: Self.classCount)
        byStatus.initialize(repeating: 0)
        buckets.initialize(repeating: 0)
        sumMicros.initialize(repeating: 0)
    }

    deinit {
        byStatus.deallocate()
        buckets.deallocate()
        sumMicros.deallocate()
    }

    func record(_ endpointClass: EndpointClass, status: Int, micros: Int) {
        let row = endpointClass.rawValue
        byStatus[row * Self.statusSlots + Self.slot(of: status)] += 1
        var bucket = 0
        while bucket < Self.bucketMicros.count, micros > Self.bucketMicros[bucket] { bucket += 1 }
        buckets[row * Self.bucketSlots + bucket] += 1
        sumMicros[row] += max(0, micros)
    }

    var snapshot: Snapshot {
        Snapshot(byStatus: Array(byStatus), buckets: Array(buckets), sumMicros: Array(sumMicros))
    }

    static func slot(of status: Int) -> Int {
        switch status {
        case 200: 0
        case 204: 1
        case 304: 2
        case 400: 3
        case 401: 4
        case 403: 5
        case 404: 6
        case 405: 7
        case 406: 8
        case 408: 9
        case 409: 10
        case 413: 11
        case 415: 12
        case 431: 13
        case 500: 14
        case 503: 15
        default: 16
        }
    }
}

extension RequestMetrics.EndpointClass {
    /// The class of a routed request (nil: no route).
    init(_ endpoint: Endpoint?, _ method: HTTPMethod) {
        guard let endpoint else { self = .unrouted; return }
        switch endpoint {
        case .apps: self = .apps
        case .delta, .stream: self = .delta  // the change stream delivers what the delta does
        case .app: self = method == .post ? .register : .app
        case .instance: self = method == .put ? .renew : method == .delete ? .cancel : .instance
        case .instanceById: self = .instance
        case .vip, .svip: self = .vip
        case .instanceStatus, .statusOverrides: self = .statusOverride
        case .instanceMetadata: self = .metadata
        case .status: self = .status
        case .peerReplicationBatch, .peerReplicationDigest: self = .batch
        case .asgStatus: self = .asg
        case .health, .info, .metrics, .dashboard: self = .operational
        }
    }
}
