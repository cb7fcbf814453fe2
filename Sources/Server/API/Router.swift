import Glibc

/// Maps a request path to an Endpoint by comparing segments: no regular expressions, no allocation
/// except for the parameters it returns. Every Eureka path is served under `/eureka/` and `/eureka/v2/`
/// (spec 1.1); one trailing `/` is ignored.
struct Router: Sendable {
    /// Operational pages outside `/eureka` (spec 10); nil when disabled.
    var dashboardPath: String?
    var metricsEnabled: Bool
    /// `/peerreplication/digest` exists only while anti-entropy is on: off, a node answers it 404 like Netflix's.
    var antiEntropyEnabled = false

    init(dashboardPath: String? = "/", metricsEnabled: Bool = true) {
        self.dashboardPath = dashboardPath
        self.metricsEnabled = metricsEnabled
    }

    /// `path` is the URL without its query.
    func route(_ path: ArraySlice<UInt8>) -> Endpoint? {
        var segments = PathSegments(path)
        guard let first = segments.next() else {
            return dashboardPath == "/" ? .dashboard : nil
        }
        if Self.equals(path, first, "eureka") {
            var next = segments.next()
            if let v2 = next, Self.equals(path, v2, "v2") { next = segments.next() }
            guard let resource = next else { return nil }
            return eurekaRoute(path, resource, &segments)
        }
        return operationalRoute(path)
    }

    private func eurekaRoute(_ path: ArraySlice<UInt8>, _ resource: Range<Int>, _ segments: inout PathSegments) -> Endpoint? {
        let rest = (segments.next(), segments.next(), segments.next(), segments.next())
        if Self.equals(path, resource, "apps") {
            guard let appSegment = rest.0 else { return .apps }
            guard let idSegment = rest.1 else {
                // The literal lower-case `delta` is always the delta endpoint (spec 1.2).
                return Self.equals(path, appSegment, "delta") ? .delta : .app(Self.appName(path, appSegment))
            }
            let app = Self.appName(path, appSegment)
            let id = Self.decoded(path, idSegment)
            guard let action = rest.2 else { return .instance(app: app, id: id) }
            guard rest.3 == nil else { return nil }
            if Self.equals(path, action, "status") { return .instanceStatus(app: app, id: id) }
            if Self.equals(path, action, "metadata") { return .instanceMetadata(app: app, id: id) }
            return nil
        }
        if Self.equals(path, resource, "instances"), let id = rest.0, rest.1 == nil {
            return .instanceById(Self.decoded(path, id))
        }
        if Self.equals(path, resource, "vips"), let vip = rest.0, rest.1 == nil { return .vip(Self.decoded(path, vip)) }
        if Self.equals(path, resource, "svips"), let vip = rest.0, rest.1 == nil { return .svip(Self.decoded(path, vip)) }
        if Self.equals(path, resource, "status"), rest.0 == nil { return .status }
        if Self.equals(path, resource, "stream"), rest.0 == nil { return .stream }
        if Self.equals(path, resource, "serverinfo"), let what = rest.0, Self.equals(path, what, "statusoverrides"), rest.1 == nil {
            return .statusOverrides
        }
        if Self.equals(path, resource, "peerreplication"), let what = rest.0, Self.equals(path, what, "batch"), rest.1 == nil {
            return .peerReplicationBatch
        }
        if antiEntropyEnabled, Self.equals(path, resource, "peerreplication"), let what = rest.0, Self.equals(path, what, "digest"),
           rest.1 == nil {
            return .peerReplicationDigest
        }
        if Self.equals(path, resource, "asg"), let asg = rest.0, let what = rest.1, Self.equals(path, what, "status"), rest.2 == nil {
            return .asgStatus(Self.decoded(path, asg))
        }
        return nil
    }

    private func operationalRoute(_ path: ArraySlice<UInt8>) -> Endpoint? {
        let text = String(decoding: Self.trimmed(path), as: UTF8.self)
        switch text {
        case "/actuator/health", "/health": return .health
        case "/actuator/info", "/info": return .info
        case "/actuator/prometheus", "/metrics": return metricsEnabled ? .metrics : nil
        default:
            if let dashboardPath, text == dashboardPath || text + "/" == dashboardPath { return .dashboard }
            return nil
        }
    }

    private static func trimmed(_ path: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        path.count > 1 && path.last == UInt8(ascii: "/") ? path.dropLast() : path
    }

    private static func equals(_ path: ArraySlice<UInt8>, _ range: Range<Int>, _ literal: StaticString) -> Bool {
        guard range.count == literal.utf8CodeUnitCount else { return false }
        let bytes = literal.utf8Start
        var i = 0
        for index in range {
            if path[index] != bytes[i] { return false }
            i += 1
        }
        return true
    }

    private static func appName(_ path: ArraySlice<UInt8>, _ range: Range<Int>) -> String {
        // The common case (an upper-case ASCII name, nothing escaped) makes one String and no second pass.
        let plain = path[range].withUnsafeBufferPointer { bytes in
            // One pass over the contiguous bytes (the slice's contains(where:) cost several times more per byte).
            for byte in bytes where byte == UInt8(ascii: "%") || byte &- 97 < 26 || byte >= 128 { return false }
            return true
        }
        if plain {
            return String(decoding: path[range], as: UTF8.self)
        }
        return InstanceInfo.normalisedAppName(decoded(path, range))
    }

    /// Percent-decodes one segment (`+` stays a plus in paths, spec 1.2).
    static func decoded(_ path: ArraySlice<UInt8>, _ range: Range<Int>) -> String {
        let segment = path[range]
        let escaped = segment.withUnsafeBytes { raw in
            raw.baseAddress.map { memchr($0, Int32(UInt8(ascii: "%")), raw.count) != nil } ?? false
        }
        guard escaped else { return String(decoding: segment, as: UTF8.self) }
        return PercentDecoding.decode(segment, plusIsSpace: false)
    }
}

/// Yields the ranges of the non-empty `/`-separated segments of a path; a trailing `/` yields nothing.
struct PathSegments {
    private let path: ArraySlice<UInt8>
    private var position: Int

    init(_ path: ArraySlice<UInt8>) {
        self.path = path
        position = path.startIndex
    }

    mutating func next() -> Range<Int>? {
        // memchr finds a segment's end: a byte loop over the slice was ~400 instructions a heartbeat (callgrind).
        let base = path.startIndex
        let from = position - base
        let (start, end) = path.withUnsafeBufferPointer { bytes in
            var start = from
            while start < bytes.count, bytes[start] == UInt8(ascii: "/") { start += 1 }
            guard start < bytes.count, let origin = bytes.baseAddress else { return (start, start) }
            let end = memchr(origin + start, Int32(UInt8(ascii: "/")), bytes.count - start)
                .map { UnsafeRawPointer($0) - UnsafeRawPointer(origin) } ?? bytes.count
            return (start, end)
        }
        position = base + end
        return start < end ? base + start..<base + end : nil
    }
}
